#!/usr/bin/env bash
# Installs the system packages the test suite needs that a fresh Debian machine lacks.
# Today: Debian's Chromium, for the browser tests (playwright-core drives /usr/bin/chromium).
# Without root, it prints the exact install line instead.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's chromium for the browser tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "setup: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
