import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.ts';
import { buildProgram } from './main.ts';

/** Every command's help, subcommands included, depth first. */
function helpTexts(cmd: Command, path = ''): string[] {
  const here = `${path} ${cmd.name()}`.trim();
  return [`${here}\n${cmd.helpInformation()}`, ...cmd.commands.flatMap((c) => helpTexts(c, here))];
}

describe('the chassis program', () => {
  const all = buildProgram();

  it('declares each command once, under the name its declaration gives', () => {
    expect(all.commands.map((c) => c.name()).sort()).toEqual(commands.map((c) => c.name).sort());
  });

  it.each(commands.map((c) => c.name))('built for `chassis %s`, declares that command alone, the same as in the whole program', (name) => {
    const alone = buildProgram(name);
    expect(alone.commands.map((c) => c.name())).toEqual([name]);
    expect(helpTexts(alone.commands[0]!)).toEqual(helpTexts(all.commands.find((c) => c.name() === name)!));
  });

  it('declares every command for help, an unknown command or an option first', () => {
    for (const arg of [undefined, '--help', 'help', 'backtset', '--version']) {
      expect(buildProgram(arg).commands.map((c) => c.name())).toEqual(all.commands.map((c) => c.name()));
    }
  });
});
