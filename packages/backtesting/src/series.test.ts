import { describe, expect, it } from 'vitest';
import type { writeParquet } from './artifacts.ts';
import type { RunRecorder } from './recorder.ts';
import { RUN_SERIES_SCHEMAS, writeSeries } from './series.ts';

const recorder = { orders: new Map(), fills: [], positions: [], equity: [] } as unknown as RunRecorder;

describe('writeSeries', () => {
  it('writes the four series files, their writes overlapping', async () => {
    let inFlight = 0;
    let most = 0;
    const written: string[] = [];
    const write = (async (path: string) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      written.push(path.slice('/run/'.length));
    }) as typeof writeParquet;
    await writeSeries('/run', recorder, write);
    expect(written.sort()).toEqual(Object.values(RUN_SERIES_SCHEMAS).map((s) => s.file).sort());
    expect(most).toBe(4);
  });

  it('rejects with the failed write’s error only once every other write has settled', async () => {
    const settled: string[] = [];
    const write = (async (path: string) => {
      if (path.endsWith(RUN_SERIES_SCHEMAS.equity.file)) throw new Error('disk full');
      await new Promise((r) => setTimeout(r, 20));
      settled.push(path);
    }) as typeof writeParquet;
    await expect(writeSeries('/run', recorder, write)).rejects.toThrow('disk full');
    expect(settled).toHaveLength(3);
  });
});
