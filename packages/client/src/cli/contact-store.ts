// The CLI's contact list: the same ContactList (src/contacts/list.ts) as the app, kept in `contacts.json`
// beside the identity file, written 0600 through a temp file and a rename (never half-written).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ContactList, type ContactStorage } from '../contacts/list.ts';
import { TrustError } from '../identity/errors.ts';

export function contactsPath(identityPath: string): string {
  return join(dirname(identityPath), 'contacts.json');
}

function fileStorage(path: string): ContactStorage {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      try {
        const v = JSON.parse(text) as { contacts?: unknown };
        return v.contacts;
      } catch {
        throw new TrustError('corrupt_record', `${path} is not JSON: fix or remove it`);
      }
    },
    async save(contacts) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ sealpeerContacts: 1, contacts }, null, 1)}\n`, {
        mode: 0o600,
      });
      await rename(tmp, path);
    },
  };
}

export function loadContactFile(path: string): Promise<ContactList> {
  return ContactList.load(fileStorage(path));
}
