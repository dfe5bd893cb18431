// Every subcommand module exports `register(program)`: the command line (name, arguments,
// options, help) and an action that imports what the command does only when it runs
// (`<name>-action.ts`, or the packages it uses). So `chassis --help`, `chassis --version` and
// each command load commander, these declarations and their own action's modules, nothing else
// (test/startup-imports.test.ts). Add new capabilities here.
import type { Command } from 'commander';
import { register as registerMonitor } from './monitor.ts';
import { register as registerImport } from './import.ts';
import { register as registerData } from './data.ts';
import { register as registerQuality } from './quality.ts';
import { register as registerBacktest } from './backtest.ts';
import { register as registerReplay } from './replay.ts';
import { register as registerDemo } from './demo.ts';
import { register as registerSweep } from './sweep.ts';
import { register as registerWorker } from './worker.ts';
import { register as registerReport } from './report.ts';
import { register as registerCompare } from './compare.ts';
import { register as registerGc } from './gc.ts';
import { register as registerSql } from './sql.ts';
import { register as registerRecord } from './record.ts';
import { register as registerEvents } from './events.ts';
import { register as registerCtl } from './ctl.ts';
import { register as registerPaper } from './paper.ts';
import { register as registerLive } from './live.ts';

export type RegisterCommand = (program: Command) => void;

/** A capability's top-level command: its name and the function that declares it on the program. */
export interface CommandDeclaration {
  readonly name: string;
  readonly register: RegisterCommand;
}

// One per line, so that adding a command is a one-line change; `name` is the command it declares.
export const commands: readonly CommandDeclaration[] = [
  { name: 'monitor', register: registerMonitor },
  { name: 'import', register: registerImport },
  { name: 'data', register: registerData },
  { name: 'quality', register: registerQuality },
  { name: 'backtest', register: registerBacktest },
  { name: 'replay', register: registerReplay },
  { name: 'demo', register: registerDemo },
  { name: 'sweep', register: registerSweep },
  { name: 'worker', register: registerWorker },
  { name: 'report', register: registerReport },
  { name: 'compare', register: registerCompare },
  { name: 'gc', register: registerGc },
  { name: 'sql', register: registerSql },
  { name: 'record', register: registerRecord },
  { name: 'events', register: registerEvents },
  { name: 'ctl', register: registerCtl },
  { name: 'paper', register: registerPaper },
  { name: 'live', register: registerLive },
];
