// Every subcommand module exports `register(program)`. Add new capabilities here.
import type { Command } from 'commander';
import { register as registerMonitor } from './monitor.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [registerMonitor];
