import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kucoinFormat } from './kucoin.ts';
import type { BookDeltaRecord } from './records.ts';
import { captureLines, collectRecords, issuesOf } from './test-captures.ts';
import type { MessageContext } from './venue-mapper.ts';
import { venueDocsDir } from '../../../../examples/data/index.ts';

const WS = `${venueDocsDir}/KUCOIN.ws.1.0`;
const HTTP = `${venueDocsDir}/KUCOIN.http.0.0`;

/** An altered copy of the WebSocket capture beside an unaltered copy of its REST snapshot file. */
async function readAltered(lines: readonly string[]): Promise<{ path: string; records: Awaited<ReturnType<typeof collectRecords>> }> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-kucoin-'));
  const path = join(dir, 'KUCOIN.ws.1.0');
  await writeFile(path, lines.join('\n'));
  await copyFile(HTTP, join(dir, 'KUCOIN.http.0.0'));
  return { path, records: await collectRecords(path) };
}

interface L2 {
  line: number;
  start: number;
  end: number;
  changes: { asks: string[][]; bids: string[][] };
}
interface Ticker {
  line: number;
  sequence: number;
  bestBid: string;
  bestBidSize: string;
  bestAsk: string;
  bestAskSize: string;
}

/** The capture's level2 updates and tickers, parsed by a plain regex and JSON.parse. */
function parse(lines: readonly string[]): { updates: L2[]; tickers: Ticker[] } {
  const updates: L2[] = [];
  const tickers: Ticker[] = [];
  lines.forEach((l, i) => {
    const m = /^[\d.]+: (\{.*\})$/.exec(l);
    if (!m) return;
    const msg = JSON.parse(m[1]!) as { subject?: string; data: Record<string, unknown> };
    if (msg.subject === 'trade.l2update') updates.push({ line: i + 1, start: msg.data['sequenceStart'] as number, end: msg.data['sequenceEnd'] as number, changes: msg.data['changes'] as L2['changes'] });
    if (msg.subject === 'trade.ticker') tickers.push({ line: i + 1, ...(msg.data as unknown as Omit<Ticker, 'line' | 'sequence'>), sequence: Number(msg.data['sequence']) });
  });
  return { updates, tickers };
}

describe('KuCoin BCHSV-USDT excerpt of the cryptofeed capture (REST snapshot + level2 + ticker)', async () => {
  const lines = await captureLines(WS);
  const { updates, tickers } = parse(lines);
  const http = (await captureLines(HTTP))[0]!;
  const snapshot = (JSON.parse(http.slice(http.indexOf(': {') + 2)) as { data: { sequence: string; bids: string[][]; asks: string[][] } }).data;
  const records = await collectRecords(WS);

  it('holds an unbroken sequence: each update starts right after the previous one ends', () => {
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.start).toBe(updates[i - 1]!.end + 1);
    expect(updates[0]!.start).toBeLessThanOrEqual(Number(snapshot.sequence));
  });

  it('has every ticker after the snapshot equal to a plain Map book rebuilt to the ticker sequence (independent oracle)', () => {
    const bids = new Map(snapshot.bids.map(([p, s]) => [Number(p), s]));
    const asks = new Map(snapshot.asks.map(([p, s]) => [Number(p), s]));
    const topAt = new Map<number, string>();
    const top = () => {
      const b = Math.max(...bids.keys());
      const a = Math.min(...asks.keys());
      return `${b} ${bids.get(b)} ${a} ${asks.get(a)}`;
    };
    topAt.set(Number(snapshot.sequence), top());
    for (const u of updates) {
      if (u.end <= Number(snapshot.sequence)) continue;
      for (const [side, book] of [['bids', bids], ['asks', asks]] as const) {
        for (const [p, s] of u.changes[side]) {
          if (p === '0') continue;
          if (Number(s) === 0) book.delete(Number(p));
          else book.set(Number(p), s!);
        }
      }
      topAt.set(u.end, top());
    }
    const judged = tickers.filter((t) => topAt.has(t.sequence));
    expect(judged).toHaveLength(8);
    for (const t of judged) expect(topAt.get(t.sequence)).toBe(`${Number(t.bestBid)} ${t.bestBidSize} ${Number(t.bestAsk)} ${t.bestAskSize}`);
  });

  it('synchronises with no gap: 19 updates covered by the snapshot are dropped as stale, the rest applied in order', () => {
    expect(issuesOf(records)).toEqual([]);
    expect(records.filter((r) => r.kind === 'sync_issue' && r.issue === 'stale_dropped')).toHaveLength(19);
    const deltas = records.filter((r): r is BookDeltaRecord => r.kind === 'book_delta');
    expect(deltas[0]).toMatchObject({ isSnapshot: true, updateId: 1613277183892n, source: { file: HTTP, line: 1 }, instrument: 'BCHSV-USDT' });
    // Price "0" changes only advance the sequence: 44 updates after the snapshot, 13 of them such.
    const applied = updates.filter((u) => u.end > Number(snapshot.sequence));
    expect(applied).toHaveLength(44);
    expect(deltas.slice(1).map((d) => d.updateId)).toEqual(applied.filter((u) => u.changes.asks.concat(u.changes.bids).some((c) => c[0] !== '0')).map((u) => BigInt(u.end)));
    expect(records.filter((r) => r.kind === 'bbo')).toHaveLength(tickers.length);
  });

  it('reports a gap naming the update after a removed one', async () => {
    const removed = updates.find((u) => u.start === 1613277183910)!;
    const { path, records: r } = await readAltered(lines.filter((_, i) => i !== removed.line - 1));
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'gap', instrument: 'BCHSV-USDT', source: { file: path, line: removed.line } });
    expect(issuesOf(r)[0]!.message).toContain('sequenceStart 1613277183911 != book sequence 1613277183909 + 1');
  });

  it('reports a gap at the first of two swapped updates', async () => {
    const a = updates.find((u) => u.start === 1613277183920)!;
    const copy = [...lines];
    [copy[a.line - 1], copy[a.line]] = [copy[a.line]!, copy[a.line - 1]!];
    const { records: r } = await readAltered(copy);
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'gap', source: { line: a.line } });
  });

  it('reports a checksum_mismatch at the ticker whose best bid size disagrees with an update whose size was changed', async () => {
    const u = updates.find((x) => x.start === 1613277183914)!; // bid 242.652 x 5: the best bid the ticker at 914 reports
    const t = tickers.find((x) => x.sequence === 1613277183914)!;
    const copy = lines.map((l, i) => (i === u.line - 1 ? l.replace('["242.652","5",', '["242.652","4",') : l));
    const { records: r } = await readAltered(copy);
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', source: { line: t.line } });
    expect(issuesOf(r)[0]!.message).toContain('242.652 x 4');
  });
});

describe('KuCoin mapper on documented messages', () => {
  const ctx = (line: number): MessageContext => ({ file: 'doc', line, tsLocalNs: null, fallbackTsNs: 0n });

  it('maps a /market/match message to a trade whose aggressor is the side and whose time is in ns', () => {
    const m = kucoinFormat.createMapper({ venue: 'kucoin' });
    const match = { type: 'message', topic: '/market/match:BTC-USDT', subject: 'trade.l3match', data: { sequence: '1545896669145', type: 'match', symbol: 'BTC-USDT', side: 'buy', price: '0.08200000000000000000', size: '0.01022222000000000000', tradeId: '5c24c5da03aa673885cd67aa', takerOrderId: '5c24c5d903aa6772d55b371e', makerOrderId: '5c2187d003aa677bd09d5c93', time: '1545913818099033203' } };
    expect(kucoinFormat.canHandle(match)).toBe(true);
    expect(m.map(match, ctx(1))).toMatchObject([{ kind: 'trade', instrument: 'BTC-USDT', tradeId: '5c24c5da03aa673885cd67aa', aggressor: 'buy', tsEventNs: 1545913818099033203n }]);
    expect(m.map(match, ctx(2))).toMatchObject([{ kind: 'sync_issue', issue: 'duplicate' }]);
  });

  it('treats welcome, ack and pong frames as session control', () => {
    for (const type of ['welcome', 'ack', 'pong']) expect(kucoinFormat.isControl!({ id: '1', type })).toBe(true);
  });
});

describe('KuCoin sequence continuity law', () => {
  const ctx = (line: number): MessageContext => ({ file: 'law', line, tsLocalNs: BigInt(line), fallbackTsNs: 0n });
  const snapshot = { code: '200000', data: { time: 1, sequence: '100', bids: [['9', '1']], asks: [['11', '1']] } };
  /** Updates covering sequences 101.. in messages of the given lengths (each change its own sequence). */
  const updates = (lengths: number[]) => {
    let next = 101;
    return lengths.map((n) => {
      const changes = Array.from({ length: n }, (_, i) => [String(8 - ((next + i) % 5) / 10), String(1 + ((next + i) % 3)), String(next + i)]);
      const msg = { type: 'message', topic: '/market/level2:X-USDT', subject: 'trade.l2update', data: { sequenceStart: next, sequenceEnd: next + n - 1, symbol: 'X-USDT', changes: { asks: [], bids: changes } } };
      next += n;
      return msg;
    });
  };
  const run = (messages: unknown[]) => {
    const m = kucoinFormat.createMapper({ venue: 'kucoin', instrument: 'X-USDT' });
    return [...messages.flatMap((msg, i) => m.map(msg, ctx(i + 1))), ...m.finish(ctx(messages.length))].filter((r) => r.kind === 'sync_issue');
  };

  it('applies any contiguous run of updates with no issue, and reports a gap exactly at the message after a removed one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 30 }), fc.nat(), (lengths, k) => {
        const all = updates(lengths);
        expect(run([snapshot, ...all])).toEqual([]);
        const removed = k % (all.length - 1);
        const issues = run([snapshot, ...all.filter((_, i) => i !== removed)]);
        // Line 1 is the snapshot; the message after the removed one moved up to line removed + 2.
        expect(issues[0]).toMatchObject({ issue: 'gap', source: { line: removed + 2 } });
      }),
      { numRuns: 200 },
    );
  });
});
