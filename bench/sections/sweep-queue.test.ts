import { afterEach, describe, expect, it } from 'vitest';
import { sweepQueue } from './sweep-queue.ts';

describe('sweep-queue section', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });
  it('fails with a clear message when redis-server is not on PATH (never skips)', async () => {
    process.env.PATH = '/nonexistent';
    await expect(sweepQueue.run({ quick: true })).rejects.toThrow(/needs redis-server on PATH/);
  });
});
