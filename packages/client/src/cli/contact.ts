// `sealpeer contact add|import|export|list|connect`: saved contacts from the terminal, over the same
// library code as the app (src/contacts/list.ts, SealpeerClient.listenContacts/connectContact/
// requestContact; docs/protocol.md 2.14). The list is `contacts.json` beside the identity file.
import { readFile } from 'node:fs/promises';
import { SealpeerClient } from '../client.ts';
import { type ContactList, contactIdOf, identityOf, type SavedContact } from '../contacts/list.ts';
import { KeyshareClient } from '../keyshare/client.ts';
import { parseVerifierKey } from '../keyshare/note.ts';
import type { Session } from '../session/session.ts';
import { contactsPath, loadContactFile } from './contact-store.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  clientOptions,
  commonOptions,
  EXIT,
  emit,
  hint,
  pairAndExchange,
  runPairingCommand,
  serverOption,
  UsageError,
} from './pairing-common.ts';

const HELP = `Usage: sealpeer contact <add|import|export|list|connect> [options]

  add NAME --handle H --keyshare URL --verifier KEY
                    look H up on a keyshare (record, inclusion proof and signed checkpoint checked
                    against the verifier key) and save its keys as contact NAME
  import FILE       add the contacts of an export file (the app's Export contacts)
  export            print the contact list as an export file
  list              list contacts (--json: one {"event":"contact",...} line each)
  connect NAME --server URL [--send TEXT]
                    wait until contact NAME is online (both listen on the pair's rendezvous tag),
                    open a sealed session (Noise KK; a keyshare-found contact that has not saved
                    this device yet gets a contact request, Noise IK), and exchange texts

The contact list is contacts.json beside the identity file. Environment: SEALPEER_SERVER,
SEALPEER_KEYSHARE, SEALPEER_VERIFIER.

${COMMON_HELP}
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  server: { type: 'string' },
  handle: { type: 'string' },
  keyshare: { type: 'string' },
  verifier: { type: 'string' },
} as const;

function byName(list: ContactList, name: string): SavedContact {
  const c = list.all().find((x) => x.name === name) ?? list.get(name);
  if (!c) throw new UsageError(`no contact named '${name}' (see sealpeer contact list)`);
  return c;
}

export async function main(argv: string[], env = process.env): Promise<number> {
  return runPairingCommand(argv, OPTIONS, HELP, async ({ values, positionals }, run) => {
    // `--keyshare URL` (SEALPEER_KEYSHARE) here names the keyshare `add` looks a handle up on, not a
    // log to cross-check with a peer (the pairing commands' --keyshare/--keyshare-key pairs).
    const { keyshare: _lookupUrl, ...common } = values;
    const o = commonOptions(common, { ...env, SEALPEER_KEYSHARE: undefined });
    if (!o.identityPath) throw new UsageError('contacts need an identity file (not --ephemeral)');
    const list = await loadContactFile(contactsPath(o.identityPath));
    const [sub, ...args] = positionals;
    switch (sub) {
      case 'list': {
        for (const c of list.all()) {
          if (o.json || !process.stdout.isTTY)
            emit({
              event: 'contact',
              name: c.name,
              id: c.id,
              pairedBy: c.pairedBy,
              verified: c.verified,
              handle: c.handle ?? null,
            });
          else
            process.stdout.write(
              `${c.name}\t${c.id.slice(0, 16)}…\t${c.pairedBy}\t${c.verified ? 'verified' : 'unverified'}\n`,
            );
        }
        return EXIT.ok;
      }
      case 'export':
        process.stdout.write(`${list.exportText()}\n`);
        return EXIT.ok;
      case 'import': {
        if (args.length !== 1) throw new UsageError('import needs exactly one FILE');
        const added = await list.importText(await readFile(args[0]!, 'utf8'));
        emit({ event: 'imported', added });
        return EXIT.ok;
      }
      case 'add': {
        if (args.length !== 1) throw new UsageError('add needs exactly one NAME');
        const handle = values.handle as string | undefined;
        const url = (values.keyshare as string | undefined) ?? env.SEALPEER_KEYSHARE;
        const verifierKey = (values.verifier as string | undefined) ?? env.SEALPEER_VERIFIER;
        if (!handle || !url || !verifierKey)
          throw new UsageError('add needs --handle, --keyshare URL and --verifier KEY');
        try {
          parseVerifierKey(verifierKey.trim());
        } catch (e) {
          // A malformed pasted key names the field (issue 15 §3), before anything is asked of the keyshare.
          throw new UsageError(`--verifier is not a verifier key (name+hash+key): ${(e as Error).message}`);
        }
        const found = await new KeyshareClient({ url, verifierKey: verifierKey.trim() }).lookup(handle);
        if (found.status !== 'active') throw new UsageError(`the handle '${handle}' is ${found.status}`);
        const c = await list.save(
          { ed25519: found.identityKey, x25519: found.x25519Key },
          { name: args[0]!, pairedBy: 'keyshare', handle },
        );
        emit({ event: 'added', name: c.name, id: c.id, handle });
        return EXIT.ok;
      }
      case 'connect': {
        if (args.length !== 1) throw new UsageError('connect needs exactly one NAME');
        const c = byName(list, args[0]!);
        if (c.pendingKey) throw new UsageError(`the key of '${c.name}' changed: accept it in the app first`);
        const server = serverOption(values.server as string | undefined, env);
        const client = await SealpeerClient.connect({ server, ...(await clientOptions(o)) });
        run.client = client;
        return await pairAndExchange(
          client,
          reach(client, c, o.timeoutMs, (t) => hint(o, t)),
          o,
        );
      }
      default:
        throw new UsageError('expected add, import, export, list or connect');
    }
  });
}

/**
 * Listens on the contact's pair tag and waits until it is online; then the side with the smaller
 * identity key starts (KK) and the other answers, so two CLIs never both start. A keyshare-found contact
 * that is not on the pair tag is sent a contact request through its inbox instead (2.14).
 */
async function reach(client: SealpeerClient, c: SavedContact, timeoutMs: number, say: (t: string) => void) {
  const keys = identityOf(c);
  const peer = { staticKey: keys.x25519, identityKey: keys.ed25519 };
  const incoming = new Promise<Session>((resolve) => {
    client.on('session', (s) => {
      s.opened.then(
        (x) => {
          if (x.peerIdentityKey && contactIdOf({ ed25519: x.peerIdentityKey, x25519: keys.x25519 }) === c.id)
            resolve(x);
        },
        () => undefined,
      );
    });
  });
  await client.listenContacts([peer]);
  if (!client.contactOnline(peer) && c.pairedBy === 'keyshare') {
    try {
      return await client.requestContact(peer);
    } catch (e) {
      if ((e as { code?: string }).code !== 'contact_offline') throw e;
    }
  }
  say(`Waiting for ${c.name} to come online…`);
  const online = new Promise<void>((resolve) => {
    if (client.contactOnline(peer)) resolve();
    client.on('contact-presence', (_p, state) => {
      if (state === 'online') resolve();
    });
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () =>
        reject(
          Object.assign(new Error(`${c.name} did not come online in time`), { code: 'contact_offline' }),
        ),
      timeoutMs,
    ).unref(),
  );
  await Promise.race([online, timeout]);
  const mine = contactIdOf(client.local.publicIdentity);
  if (mine < c.id) return Promise.race([client.connectContact(peer), timeout]);
  return Promise.race([incoming, timeout]);
}
