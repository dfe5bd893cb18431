// Every subcommand module exports `register(program)`. Add new capabilities here.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [];
