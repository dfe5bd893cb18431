import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStrategy } from './strategy-loader.ts';

const marketMaker = fileURLToPath(new URL('../../../examples/strategies/market-maker.ts', import.meta.url));

describe('strategy loader', () => {
  it('loads a strategy file once per process: a second load of the same content returns the same module', async () => {
    const first = await loadStrategy(marketMaker);
    const second = await loadStrategy(marketMaker);
    expect(second.module).toBe(first.module);
    expect(second.sha256).toBe(first.sha256);
  });

  it('names a missing export of a module that loaded', async () => {
    const notAStrategy = fileURLToPath(new URL('./canonical-json.ts', import.meta.url));
    await expect(loadStrategy(notAStrategy)).rejects.toThrow(/does not export a strategy/);
  });
});
