// Saved contacts in the app: the client library's ContactList (one format for the app, the CLI and
// export files) kept in the app's IndexedDB store, plus the fingerprint digits the screens show.
import { ContactList, identityOf, type SavedContact } from '@sealpeer/client';
import { deviceDigits } from './keys.ts';
import type { KeyValue } from './storage.ts';

export {
  ContactList,
  cleanName,
  contactIdOf,
  identityOf,
  type PairedBy,
  parseContact,
  type SavedContact,
  type VerifiedHow,
} from '@sealpeer/client';

const SLOT = 'saved-contacts';

/** The app's contact list, in its IndexedDB key-value store. */
export function loadContactList(kv: KeyValue): Promise<ContactList> {
  return ContactList.load({ load: () => kv.get(SLOT), save: (v) => kv.put(SLOT, v) });
}

export function contactDigits(c: SavedContact): string {
  return deviceDigits(identityOf(c));
}
