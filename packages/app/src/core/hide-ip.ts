// "Hide my IP address from peers" (issue 15 §6; docs/threat-model.md "What a peer learns about me"): which
// peers this device reaches only through a TURN relay, so that they never see its IP address. Kept in the
// app's IndexedDB store in one slot, validated on load (never cast). The rule, one place:
//   1. a contact's own choice (on/off), if the user made one;
//   2. else on for a contact found through a keyshare (pairedBy 'keyshare') and for a contact request not
//      saved yet: the other side is a stranger, found by a handle, not met by QR or code;
//   3. else the global setting (default off).
import type { PeerModel } from './model.ts';
import type { SavedContact } from './saved-contacts.ts';
import type { KeyValue } from './storage.ts';

const SLOT = 'hide-ip';
const HEX32 = /^[0-9a-f]{64}$/;
const MAX_CONTACTS = 1000;

/** A contact's own choice; 'default' follows the rule above. */
export type HideIpChoice = 'default' | 'on' | 'off';

export interface HideIpDecision {
  on: boolean;
  /** Why, for the UI: 'contact' (its own choice), 'keyshare' (stranger default) or 'global'. */
  why: 'contact' | 'keyshare' | 'global';
}

interface Stored {
  all: boolean;
  contacts: Map<string, boolean>;
}

/** A stored value as written by save(); anything else (corrupt, older) reads as the defaults. */
function parse(v: unknown): Stored {
  const out: Stored = { all: false, contacts: new Map() };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  const o = v as Record<string, unknown>;
  if (typeof o.all === 'boolean') out.all = o.all;
  if (typeof o.contacts === 'object' && o.contacts !== null && !Array.isArray(o.contacts)) {
    for (const [id, on] of Object.entries(o.contacts).slice(0, MAX_CONTACTS))
      if (HEX32.test(id) && typeof on === 'boolean') out.contacts.set(id, on);
  }
  return out;
}

export class HideIpSettings {
  private constructor(
    private readonly kv: KeyValue,
    private readonly stored: Stored,
  ) {}

  static async load(kv: KeyValue): Promise<HideIpSettings> {
    return new HideIpSettings(kv, parse(await kv.get(SLOT)));
  }

  private save(): Promise<void> {
    return this.kv.put(SLOT, { all: this.stored.all, contacts: Object.fromEntries(this.stored.contacts) });
  }

  /** The global setting: hide from every peer without a choice of its own. */
  get global(): boolean {
    return this.stored.all;
  }

  async setGlobal(on: boolean): Promise<void> {
    this.stored.all = on;
    await this.save();
  }

  choice(contactId: string): HideIpChoice {
    const on = this.stored.contacts.get(contactId);
    return on === undefined ? 'default' : on ? 'on' : 'off';
  }

  async setChoice(contactId: string, choice: HideIpChoice): Promise<void> {
    if (!HEX32.test(contactId)) throw new Error('not a contact id');
    if (choice === 'default') this.stored.contacts.delete(contactId);
    else this.stored.contacts.set(contactId, choice === 'on');
    await this.save();
  }

  /** Whether to hide this device's IP address from a peer: its saved contact (if any) and how it came. */
  decide(contact: SavedContact | undefined, path: PeerModel['path']): HideIpDecision {
    const own = contact ? this.stored.contacts.get(contact.id) : undefined;
    if (own !== undefined) return { on: own, why: 'contact' };
    if (contact?.pairedBy === 'keyshare' || (!contact && path === 'request'))
      return { on: true, why: 'keyshare' };
    return { on: this.stored.all, why: 'global' };
  }
}
