#!/usr/bin/env bash
# Installs the system packages the test suite needs that a fresh Debian machine lacks:
# - Debian's Chromium, for the browser tests (playwright-core drives /usr/bin/chromium);
# - Debian's Firefox ESR, for the Firefox <-> Chromium pairing tests (puppeteer-core drives
#   /usr/bin/firefox-esr over WebDriver BiDi);
# - fail2ban, whose fail2ban-regex checks docs/operators/fail2ban.md's filter against real log lines;
# - PostgreSQL, whose initdb/postgres binaries the store tests run as private throw-away instances
#   (test-support/postgres.ts); no cluster is created or started by this script;
# - Go and golang.org/x/mod (sumdb/note, sumdb/tlog): the independent tlog-tiles reader in
#   packages/keyshare/test/go/ is built with them in GOPATH mode (no module proxy).
# - redis-server, which the bus tests run as private throw-away instances (test-support/redis.ts); the
#   Debian package also enables a system service, which the tests never use.
# - coturn, whose turnserver the hide-IP browser test runs as a private throw-away TURN relay on loopback
#   (test-support/coturn.ts); Debian's package leaves its system service disabled, and the tests never use it.
# Without root, it prints the exact install line instead.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
command -v fail2ban-regex >/dev/null || missing+=(fail2ban)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v go >/dev/null || missing+=(golang-go)
[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ] || missing+=(golang-golang-x-mod-dev)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v turnserver >/dev/null || missing+=(coturn)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian packages for the tests: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "setup: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
