import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChassisError } from '@chassis/core';
import { detectCapture, readCapture } from './capture-reader.ts';
import { readLineBatches } from './container.ts';
import type { NormalizedRecord, SyncIssueRecord } from './records.ts';
import { dataFixturesDir } from '../../../../examples/data/index.ts';

const USDM = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;
// The first 8,000 lines hold the inline snapshot (line 55) and ~550 diffs: enough to sync and break.
const LINES = gunzipSync(readFileSync(USDM)).toString('utf8').split('\n').slice(0, 8000);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-capture-'));
});

async function collect(path: string, options?: Parameters<typeof readCapture>[1]): Promise<NormalizedRecord[]> {
  const out: NormalizedRecord[] = [];
  for await (const r of readCapture(path, options)) out.push(r);
  return out;
}

async function fixture(name: string, lines: readonly string[], gzip = true): Promise<string> {
  const path = join(dir, name);
  const body = Buffer.from(lines.join('\n') + '\n');
  await writeFile(path, gzip ? gzipSync(body) : body);
  return path;
}

const problems = (records: readonly NormalizedRecord[]) => records.filter((r): r is SyncIssueRecord => r.kind === 'sync_issue' && r.issue !== 'stale_dropped');
/** 0-based indexes of lines that hold a message of this stream kind, after the snapshot. */
const linesOf = (kind: string) => LINES.map((l, i) => (l.includes(`@${kind}"`) && i > 60 ? i : -1)).filter((i) => i >= 0);

describe('capture reader on corrupted copies of the USD-M capture', () => {
  it('reads the clean slice with no problem (the control for every case below)', async () => {
    const out = await collect(await fixture('clean.gz', LINES));
    expect(problems(out)).toEqual([]);
  });

  it('throws E_CAPTURE_CORRUPT naming the file and the position reached for a truncated gzip', async () => {
    const whole = readFileSync(USDM);
    const path = join(dir, 'truncated.gz');
    await writeFile(path, whole.subarray(0, 1_000_000));
    const err = await collect(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChassisError);
    expect((err as ChassisError).code).toBe('E_CAPTURE_CORRUPT');
    expect((err as ChassisError).message).toContain(path);
    expect((err as ChassisError).message).toMatch(/after \d+ bytes .*complete lines read/);
    expect((err as ChassisError).details).toMatchObject({ file: path, byte: 1_000_000 });
  });

  it('reports a malformed JSON line as parse_error at its exact line and keeps going', async () => {
    const lines = [...LINES];
    const i = linesOf('trade')[10]!;
    lines[i] = lines[i]!.slice(0, 60);
    const path = await fixture('malformed.gz', lines);
    const issues = problems(await collect(path));
    expect(issues.map((r) => [r.issue, r.source.line])).toEqual([['parse_error', i + 1]]);
    expect(issues[0]!.message).toMatch(/malformed JSON/);
    expect(issues[0]!.source.file).toBe(path);
  });

  it('reports a removed diff as a gap at the line of the next diff, which names the pu mismatch', async () => {
    const diffs = linesOf('depth@0ms');
    const removed = diffs[100]!;
    const lines = LINES.filter((_, i) => i !== removed);
    const issues = problems(await collect(await fixture('gap.gz', lines)));
    const gap = issues.find((r) => r.issue === 'gap')!;
    // The next diff moved up one line after the removal.
    expect(gap.source.line).toBe(diffs[101]! - 1 + 1);
    expect(gap.message).toMatch(/pu=\d+ != previous u=\d+/);
    // No later snapshot in the file: the rest is reported as never synchronised, not silently dropped.
    expect(issues.filter((r) => r.issue === 'gap')).toHaveLength(2);
  });

  it('reports a duplicated diff and a duplicated trade as duplicates at the copies, with zero gaps', async () => {
    const d = linesOf('depth@0ms')[200]!;
    const t = linesOf('trade')[200]!;
    const lines: string[] = [];
    LINES.forEach((l, i) => {
      lines.push(l);
      if (i === d || i === t) lines.push(l);
    });
    const issues = problems(await collect(await fixture('dup.gz', lines)));
    const first = Math.min(d, t);
    const second = Math.max(d, t);
    expect(issues.map((r) => [r.issue, r.source.line])).toEqual([
      ['duplicate', first + 2],
      ['duplicate', second + 3],
    ]);
  });

  it('reports an unknown field in a venue message as unknown_field at its line and still applies the diff', async () => {
    const lines = [...LINES];
    const i = linesOf('depth@0ms')[50]!;
    lines[i] = lines[i]!.replace('"e":"depthUpdate",', '"e":"depthUpdate","zz":1,');
    const out = await collect(await fixture('unknown.gz', lines));
    expect(problems(out).map((r) => [r.issue, r.source.line, r.message.includes('zz')])).toEqual([['unknown_field', i + 1, true]]);
    expect(out.some((r) => r.kind === 'book_delta' && r.source.line === i + 1)).toBe(true);
  });
});

describe('capture layouts and containers', () => {
  it('reads plain JSON lines without capture time: hasCaptureTime false and tsLocalNs = tsEventNs', async () => {
    const path = await fixture('bare.jsonl', LINES.map((l) => l.slice(l.indexOf(' ') + 1)), false);
    expect(await detectCapture(path)).toEqual({ container: 'plain', layout: 'json-lines', hasCaptureTime: false });
    const out = await collect(path);
    expect(problems(out)).toEqual([]);
    const deltas = out.filter((r) => r.kind === 'book_delta' && !r.isSnapshot);
    expect(deltas.length).toBeGreaterThan(500);
    expect(deltas.every((r) => r.tsLocalNs === r.tsEventNs)).toBe(true);
  });

  it('reads the chassis raw layout (REST snapshot named by its instrument field) to the same records as ns-json', async () => {
    const raw = LINES.map((l) => {
      const sp = l.indexOf(' ');
      const msg = l.slice(sp + 1);
      const isSnap = msg.startsWith('{"lastUpdateId"');
      return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"${isSnap ? 'depth_snapshot' : 'stream'}","connectionId":"c1",${isSnap ? '"instrument":"BTCUSDT",' : ''}"message":${msg}}`;
    });
    const rawPath = await fixture('raw.jsonl.gz', raw);
    expect(await detectCapture(rawPath)).toEqual({ container: 'gzip', layout: 'chassis-raw', hasCaptureTime: true });
    const nsPath = await fixture('ns.gz', LINES);
    const a = (await collect(rawPath)).map((r) => ({ ...r, source: r.source.line, ...(r.kind === 'sync_issue' ? { message: r.message.replace(rawPath, '') } : {}) }));
    const b = (await collect(nsPath)).map((r) => ({ ...r, source: r.source.line, ...(r.kind === 'sync_issue' ? { message: r.message.replace(nsPath, '') } : {}) }));
    expect(a).toEqual(b);
  });

  it('reads a raw-layout "text" frame holding JSON (a frame with a raw line break) like the spliced message', async () => {
    const raw = LINES.slice(0, 200).map((l, i) => {
      const sp = l.indexOf(' ');
      const msg = l.slice(sp + 1);
      const body = i % 2 === 0 ? `"message":${msg}` : `"text":${JSON.stringify(msg.replace(',', ',\n'))}`;
      return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"depth","connectionId":"c1",${body}}`;
    });
    const spliced = LINES.slice(0, 200).map((l) => {
      const sp = l.indexOf(' ');
      return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"depth","connectionId":"c1","message":${l.slice(sp + 1)}}`;
    });
    const aPath = await fixture('text-frames.jsonl', raw, false);
    const bPath = await fixture('spliced-frames.jsonl', spliced, false);
    const a = (await collect(aPath)).map((r) => ({ ...r, source: r.source.line, ...(r.kind === 'sync_issue' ? { message: r.message.replace(aPath, '') } : {}) }));
    const b = (await collect(bPath)).map((r) => ({ ...r, source: r.source.line, ...(r.kind === 'sync_issue' ? { message: r.message.replace(bPath, '') } : {}) }));
    expect(a).toEqual(b);
  });

  it('reports a raw-layout "text" frame that is not JSON as a gap of every instrument (a malformed frame from the venue) at its line and capture time, and reads on', async () => {
    const [first, second] = LINES.slice(60, 62).map((l) => {
      const sp = l.indexOf(' ');
      return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"depth","connectionId":"c1","message":${l.slice(sp + 1)}}`;
    });
    const badTsNs = BigInt(LINES[60]!.slice(0, LINES[60]!.indexOf(' '))) + 1n;
    const bad = `{"tsLocalNs":"${badTsNs}","venue":"binance-usdm","feed":"depth","connectionId":"c1","text":${JSON.stringify('{"stream":"btcusdt@de')}}`;
    const path = await fixture('text-bad.jsonl', [first!, bad, second!], false);
    expect(await detectCapture(path)).toMatchObject({ layout: 'chassis-raw' });
    const out = await collect(path);
    const issues = out.filter((r): r is SyncIssueRecord => r.kind === 'sync_issue');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ issue: 'gap', instrument: '', tsLocalNs: badTsNs, tsEventNs: badTsNs, source: { file: path, line: 2 } });
    expect(issues[0]!.message).toMatch(/^malformed frame from the venue: .*\(line 2 of /);
    expect(out.filter((r) => r.kind !== 'sync_issue').length).toBeGreaterThanOrEqual(2);
  });

  // Message shapes from okx.com/docs-v5 "Order book channel" and bybit-exchange.github.io/docs/v5/websocket/public/orderbook.
  const okxBook = (action: string, prevSeqId: number, seqId: number): string =>
    `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"${action}","data":[{"asks":[["8476.98","415","0","13"]],"bids":[["8476.97","256","0","12"]],"ts":"1597026383085","prevSeqId":${prevSeqId},"seqId":${seqId}}]}`; // no checksum: the levels are made up
  const bybitBook = (type: string, u: number): string =>
    `{"topic":"orderbook.1000.BTCUSDT","type":"${type}","ts":1672304484978,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"]],"a":[["16611.00","0.029"]],"u":${u},"seq":7961638724},"cts":1672304484976}`;
  const rawLinesOf = (venue: string, frames: readonly string[]): string[] =>
    frames.map((f, i) => `{"tsLocalNs":"${1_700_000_000_000_000_000n + BigInt(i)}","venue":"${venue}","feed":"depth","connectionId":"c1",${f.startsWith('{"') && f.endsWith('}') ? `"message":${f}` : `"text":${JSON.stringify(f)}`}}`);

  it.each([
    ['okx', [okxBook('snapshot', -1, 100), okxBook('update', 100, 101), 'Bad Gateway', okxBook('update', 101, 102), okxBook('snapshot', -1, 200), okxBook('update', 200, 201)]],
    ['bybit-linear', [bybitBook('snapshot', 100), bybitBook('delta', 101), 'Bad Gateway', bybitBook('delta', 102), bybitBook('snapshot', 200), bybitBook('delta', 201)]],
  ])('%s: after a raw-layout frame that is not JSON the book waits for the next snapshot, so the diffs between them are not applied to a book that may have lost one', async (venue, frames) => {
    const path = await fixture(`unknown-frame-${venue}.jsonl`, rawLinesOf(venue, frames), false);
    const out = await collect(path);
    expect(out.filter((r) => r.kind === 'book_delta').map((r) => r.source.line)).toEqual([1, 2, 5, 6]); // line 4 waited for the snapshot
    expect(out.filter((r): r is SyncIssueRecord => r.kind === 'sync_issue' && r.issue === 'gap').map((r) => r.source.line)).toEqual([3, 5]);
  });

  it('still reports a raw-layout line whose envelope itself is cut short as a parse_error (a corrupt file, not a venue frame)', async () => {
    const [first, second] = LINES.slice(60, 62).map((l) => {
      const sp = l.indexOf(' ');
      return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"depth","connectionId":"c1","message":${l.slice(sp + 1)}}`;
    });
    const path = await fixture('envelope-cut.jsonl', [first!, second!.slice(0, 120), second!], false);
    const issues = (await collect(path)).filter((r): r is SyncIssueRecord => r.kind === 'sync_issue');
    expect(issues.map((r) => [r.issue, r.source.line])).toEqual([['parse_error', 2]]);
    expect(issues[0]!.message).toMatch(/malformed JSON/);
  });

  it('skips a raw-layout keep-alive reply (OKX\'s text pong) without reporting a problem', async () => {
    const msgs = LINES.slice(60, 62).map((l) => {
      const sp = l.indexOf(' ');
      return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"depth","connectionId":"c1","message":${l.slice(sp + 1)}}`;
    });
    const pong = '{"tsLocalNs":"1723161255030314999","venue":"binance-usdm","feed":"depth","connectionId":"c1","keepAlive":true,"text":"pong"}';
    const withPong = await collect(await fixture('pong.jsonl', [pong, msgs[0]!, pong, msgs[1]!], false));
    const without = await collect(await fixture('no-pong.jsonl', msgs, false));
    expect(withPong.map((r) => r.kind)).toEqual(without.map((r) => r.kind));
    expect(withPong.filter((r) => r.kind === 'sync_issue' && r.issue === 'parse_error')).toEqual([]);
  });

  it('detects the raw layout when the first line is a "text" frame', async () => {
    const path = await fixture('text-first.jsonl', ['{"tsLocalNs":"1","venue":"binance-usdm","feed":"depth","connectionId":"c1","text":"oops"}'], false);
    expect(await detectCapture(path)).toMatchObject({ layout: 'chassis-raw' });
  });

  it('rejects a raw envelope with both message and text, naming the rule', async () => {
    const path = await fixture('both.jsonl', [`${LINES[60]!.replace(/^(\d+) /, '{"tsLocalNs":"$1","venue":"binance-usdm","feed":"depth","connectionId":"c1","text":"x","message":')}}`], false);
    const issues = (await collect(path, { venue: 'binance-usdm' })).filter((r): r is SyncIssueRecord => r.kind === 'sync_issue');
    expect(issues[0]?.message).toMatch(/either a message or a text/);
  });

  it('streams the one file of a zip (real Lean zip: 1,440 lines)', async () => {
    let n = 0;
    for await (const batch of readLineBatches(`${dataFixturesDir}/lean/crypto_coinbase_minute_btcusd_20180405_trade.zip`)) n += batch.length;
    expect(n).toBe(1440);
  });

  it('reads a capture inside a single-file zip like the plain file', async () => {
    const body = Buffer.from(LINES.slice(0, 2000).join('\n'));
    const path = join(dir, 'capture.zip');
    await writeFile(path, singleFileZip('usdm.txt', body));
    expect(await detectCapture(path)).toMatchObject({ container: 'zip', layout: 'ns-json' });
    const zipped = await collect(path);
    const plain = await collect(await fixture('plain.txt', LINES.slice(0, 2000), false));
    expect(zipped.map((r) => r.kind)).toEqual(plain.map((r) => r.kind));
    expect(zipped.length).toBeGreaterThan(1000);
  });

  it('gives E_UNSUPPORTED_VENUE naming the venue for a capture of a venue without a format module', async () => {
    const p = await fixture('BITFINEX.ws.1.0', ['wss://api.bitfinex.com/ws/2 <-> 1626993723.4', '1626993723.8: [17470,[7254.7,3,3.3]]'], false);
    const err = await collect(p).catch((e: unknown) => e);
    expect((err as ChassisError).code).toBe('E_UNSUPPORTED_VENUE');
    expect((err as ChassisError).message).toMatch(/bitfinex/);
  });

  it('lets --venue and --instrument override the inference', async () => {
    const path = await fixture('override.gz', LINES.slice(0, 3000));
    const out = await collect(path, { venue: 'binance-usdm', instrument: 'BTCUSDT-PERP' });
    expect(new Set(out.map((r) => `${r.venue}:${r.instrument}`))).toEqual(new Set(['binance-usdm:BTCUSDT-PERP']));
    await expect(collect(path, { venue: 'bitfinex' as never })).rejects.toMatchObject({ code: 'E_UNSUPPORTED_VENUE' });
  });
});

/** A minimal single-entry deflate zip (local header, data, central directory, end record). */
function singleFileZip(name: string, data: Buffer): Buffer {
  const comp = deflateRawSync(data);
  const nameBuf = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(comp.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(comp.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = 30 + nameBuf.length + comp.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBuf.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBuf, comp, central, nameBuf, end]);
}
