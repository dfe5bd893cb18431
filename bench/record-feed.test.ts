import { describe, expect, it } from 'vitest';
import { loadRecordFeed } from './record-feed.ts';
import { USDM_CAPTURE_MESSAGES } from './capture-baseline.ts';

const depthIds = (m: string): { U: number; u: number; pu: number } => ({
  U: Number(/"U":(\d+)/.exec(m)![1]),
  u: Number(/"u":(\d+)/.exec(m)![1]),
  pu: Number(/"pu":(\d+)/.exec(m)![1]),
});

describe('the record benchmark feed', () => {
  it('holds every stream message of the capture once per pass, without the REST snapshot', async () => {
    const feed = await loadRecordFeed(2);
    expect(feed.messages.length).toBe(2 * (USDM_CAPTURE_MESSAGES - 1));
    expect(feed.snapshot.startsWith('{"lastUpdateId":')).toBe(true);
    expect(feed.messages.every((m) => m.startsWith('{"stream":"btcusdt@'))).toBe(true);
    expect(feed.bytes).toBe(feed.messages.reduce((n, m) => n + Buffer.byteLength(m), 0));
  });

  it("keeps Binance's futures depth chain (each pu = the previous u) unbroken across passes", async () => {
    const feed = await loadRecordFeed(3);
    const depth = feed.messages.filter((m) => m.startsWith('{"stream":"btcusdt@depth')).map(depthIds);
    for (let i = 1; i < depth.length; i++) expect(depth[i]!.pu, `depth message ${i}`).toBe(depth[i - 1]!.u);
    for (const d of depth) expect(d.U).toBeLessThanOrEqual(d.u);
  });

  it('changes nothing but update ids in later passes', async () => {
    const feed = await loadRecordFeed(2);
    const half = feed.messages.length / 2;
    const strip = (m: string): string => m.replace(/"(U|u|pu)":\d+/g, '"$1":0');
    for (let i = 0; i < half; i += 997) expect(strip(feed.messages[half + i]!)).toBe(strip(feed.messages[i]!));
  });
});
