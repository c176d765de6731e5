// Node-only (imports node:fs; never import it from browser code or through ../index.ts): the keyshare
// client state as one JSON file `{ "<log verifier key>": { "note": "..." } }`, mode 0600, written atomically
// (temporary file in the same folder, fsync, rename). Notes are re-verified when loaded (LogView).
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { KeyshareIntegrityError } from './errors.ts';
import type { KeyshareStateStore, StoredCheckpoint } from './state.ts';

const MAX_STATE_FILE = 1024 * 1024;

async function readAll(path: string): Promise<Record<string, StoredCheckpoint>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw err;
  }
  // Fail closed: a damaged state file must not silently reset what this client has verified.
  if (text.length > MAX_STATE_FILE) throw new KeyshareIntegrityError('state_invalid', `${path} is too large`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyshareIntegrityError('state_invalid', `${path} is not JSON; restore or delete it`);
  }
  const out: Record<string, StoredCheckpoint> = {};
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    for (const [log, v] of Object.entries(parsed)) {
      const note = (v as { note?: unknown } | null)?.note;
      if (typeof note === 'string') out[log] = { note };
    }
  }
  return out;
}

export function jsonFileStateStore(path: string): KeyshareStateStore {
  return {
    async load(log) {
      return (await readAll(path))[log] ?? null;
    },
    async save(log, checkpoint) {
      const all = await readAll(path);
      all[log] = { note: checkpoint.note };
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(all, null, 2)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
  };
}
