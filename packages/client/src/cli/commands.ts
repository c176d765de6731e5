// The list of `sealpeer` subcommands. Add one line per command module.
import { registerCommand } from '../cli.ts';

registerCommand(
  'verify-app',
  'check a served app against its signed release',
  () => import('./verify-app.ts'),
);
