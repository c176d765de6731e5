// The --store value: `sqlite` (the default: <data-dir>/sealpeer.db, nothing else to run) or a
// `postgres://` / `postgresql://` URL (several nodes share one database). No driver imports here: the
// config parser uses it.

/** `postgres://user:secret@host/db` → `postgres://user@host/db`, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

export const isPostgresUrl = (spec: string): boolean => /^postgres(ql)?:\/\//i.test(spec);

/** Checks a --store value; returns it, or throws with what to write instead. */
export function parseStoreSpec(raw: string): string {
  const spec = raw.trim();
  if (spec === 'sqlite') return spec;
  if (isPostgresUrl(spec)) {
    try {
      // A host, or a socket directory: postgres:///sealpeer?host=/var/run/postgresql
      const u = new URL(spec);
      if (u.hostname !== '' || u.searchParams.has('host')) return spec;
    } catch {
      /* fall through to the message */
    }
  }
  throw new Error(
    `--store wants sqlite or a URL like postgres://user:password@host:5432/sealpeer, got '${redactUrl(raw)}'`,
  );
}

/** What the logs may say about the store: never the password. */
export function describeStore(spec: string, dataDir: string): string {
  return isPostgresUrl(spec) ? redactUrl(spec) : `sqlite:${dataDir}`;
}

/** What to check when the store cannot be reached (node-postgres / libpq error codes), or ''. */
export function storeConnectHint(err: { code?: string }): string {
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '28000', '3D000'];
  return err.code !== undefined && codes.includes(err.code)
    ? ' (the --store database: is PostgreSQL running, and are the host, port, user, password and database right?)'
    : '';
}
