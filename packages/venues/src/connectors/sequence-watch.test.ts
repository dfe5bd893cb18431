import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binanceSequenceWatch, bybitSequenceWatch, fieldText, okxSequenceWatch, type BookSequenceWatch, type SequenceStep } from './sequence-watch.ts';

// Real Binance captures (hftbacktest examples, nkaz001): `<ns> <combined-stream JSON>` per line.
function capture(name: string): string[] {
  const url = new URL(`../../../../../shared/data/binance-hftbacktest/${name}`, import.meta.url);
  return gunzipSync(readFileSync(url))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.slice(l.indexOf(' ') + 1));
}

function steps(watch: BookSequenceWatch, lines: readonly string[]): SequenceStep[] {
  return lines.map((l) => watch.observe(l));
}

interface Diff {
  readonly U: number;
  readonly u: number;
  readonly pu?: number;
}

/** Reference: the same rule on fully parsed JSON (deliberately simple). */
function referenceGaps(diffs: readonly Diff[], futures: boolean): number {
  let prev: number | null = null;
  let gaps = 0;
  for (const d of diffs) {
    if (prev !== null && d.u > prev && (futures ? d.pu !== prev : d.U !== prev + 1)) gaps++;
    if (prev === null || d.u > prev) prev = d.u;
  }
  return gaps;
}

const parsedDiff = (line: string): Diff => (JSON.parse(line) as { data: Diff }).data;

describe('Binance sequence watch on real captures', () => {
  const usdm = capture('usdm_btcusdt_20240808.gz');
  const spot = capture('spot_btcusdt_20240808.gz');

  it('finds no gap in the USD-M capture (pu == previous u throughout, as the data README states)', () => {
    const s = steps(binanceSequenceWatch(true), usdm);
    expect(s.filter((x) => x.kind === 'gap')).toEqual([]);
    expect(s.filter((x) => x.kind === 'first')).toEqual([{ kind: 'first', symbol: 'BTCUSDT' }]);
    const diffCount = usdm.filter((l) => l.includes('"depthUpdate"')).length;
    expect(s.filter((x) => x.kind === 'continuous').length).toBe(diffCount - 1);
  });

  it('finds no gap in the spot capture (U == previous u + 1)', () => {
    expect(steps(binanceSequenceWatch(false), spot).filter((x) => x.kind === 'gap')).toEqual([]);
  });

  it('agrees with a JSON.parse reference when diffs are removed at scattered places', () => {
    const diffLines = usdm.filter((l) => l.includes('"depthUpdate"'));
    const parsed = diffLines.map(parsedDiff);
    for (const seed of [7, 1_000, 4_321]) {
      const keep = (_: unknown, k: number): boolean => (k * 2654435761 + seed) % 997 !== 0;
      const found = steps(binanceSequenceWatch(true), diffLines.filter(keep)).filter((x) => x.kind === 'gap').length;
      expect(found).toBe(referenceGaps(parsed.filter(keep), true));
      expect(found).toBeGreaterThan(0);
    }
    const spotDiffs = spot.filter((l) => l.includes('"depthUpdate"'));
    const keepSpot = (_: unknown, k: number): boolean => k % 500 !== 1;
    const spotFound = steps(binanceSequenceWatch(false), spotDiffs.filter(keepSpot)).filter((x) => x.kind === 'gap').length;
    expect(spotFound).toBe(referenceGaps(spotDiffs.map(parsedDiff).filter(keepSpot), false));
    expect(spotFound).toBeGreaterThan(0);
  });

  it('reports one gap for one missing diff, naming pu and the previous u', () => {
    const diffs = usdm.filter((l) => l.includes('"depthUpdate"')).slice(0, 10);
    const s = steps(binanceSequenceWatch(true), [...diffs.slice(0, 4), ...diffs.slice(5)]);
    const gaps = s.filter((x) => x.kind === 'gap');
    expect(gaps).toHaveLength(1);
    const u3 = JSON.parse(diffs[3]!).data.u as number;
    expect(gaps[0]).toMatchObject({ symbol: 'BTCUSDT', detail: expect.stringContaining(`previous u=${u3}`) });
  });
});

describe('OKX and Bybit sequence watch', () => {
  const okx = (action: string, prev: number, seq: number) =>
    `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"${action}","data":[{"asks":[],"bids":[],"ts":"1","checksum":0,"prevSeqId":${prev},"seqId":${seq}}]}`;
  const bybit = (type: string, u: number) => `{"topic":"orderbook.1000.BTCUSDT","type":"${type}","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":${u},"seq":9},"cts":1}`;

  it('OKX: snapshot starts, prevSeqId == previous seqId continues (also when unchanged), anything else is a gap', () => {
    const kinds = steps(okxSequenceWatch('books'), [okx('update', 1, 2), okx('snapshot', -1, 10), okx('update', 10, 11), okx('update', 11, 11), okx('update', 12, 13)]).map((s) => s.kind);
    expect(kinds).toEqual(['unsynced', 'snapshot', 'continuous', 'continuous', 'gap']);
  });

  it('OKX: a subscription ack and other channels are not book messages', () => {
    const w = okxSequenceWatch('books');
    expect(w.observe('{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}').kind).toBe('none');
    expect(w.observe('{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","seqId":5}]}').kind).toBe('none');
  });

  it('Bybit: u == previous u + 1 continues, a skip is a gap, a u = 1 snapshot is a reset', () => {
    const kinds = steps(bybitSequenceWatch('orderbook.1000.'), [bybit('snapshot', 50), bybit('delta', 51), bybit('delta', 53), bybit('snapshot', 1), bybit('delta', 2)]).map((s) => s.kind);
    expect(kinds).toEqual(['snapshot', 'continuous', 'gap', 'snapshot', 'continuous']);
  });

  it('Bybit: orderbook.1 (bbo) is not watched by the orderbook.1000 watcher', () => {
    expect(bybitSequenceWatch('orderbook.1000.').observe('{"topic":"orderbook.1.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":7,"seq":9}}').kind).toBe('none');
  });
});

describe('fieldText', () => {
  it('reads strings and numbers, and does not confuse "s" with "ts" or "u" with "pu"', () => {
    const t = '{"ts":1,"pu":4,"s":"BTCUSDT","u": 5,"x":[1]}';
    expect(fieldText(t, 's')).toBe('BTCUSDT');
    expect(fieldText(t, 'u')).toBe('5');
    expect(fieldText(t, 'pu')).toBe('4');
    expect(fieldText(t, 'missing')).toBeNull();
  });
});
