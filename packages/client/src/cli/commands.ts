// The list of `sealpeer` subcommands. Add one line per command module.
import { registerCommand } from '../cli.ts';

void registerCommand;
