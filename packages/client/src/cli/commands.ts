// The list of `sealpeer` subcommands. Add one line per command module.
import { registerCommand } from '../cli.ts';

registerCommand(
  'verify-app',
  'check a served app against its signed release',
  () => import('./verify-app.ts'),
);
registerCommand(
  'invite',
  'create a private channel and a one-time QR invite, pair, exchange texts',
  () => import('./invite.ts'),
);
registerCommand('join', 'pair with an invite URI and exchange texts', () => import('./join.ts'));
registerCommand(
  'code',
  'pair by short code (show | type) in a channel, exchange texts',
  () => import('./code.ts'),
);
registerCommand(
  'contact',
  'saved contacts: add (keyshare) | import | export | list | connect (no invite)',
  () => import('./contact.ts'),
);
