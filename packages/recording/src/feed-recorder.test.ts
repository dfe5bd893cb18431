import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FsStorage } from '@chassis/storage';
import { parseManifest, type DatasetManifest } from '@chassis/quality';
import type { CapturedFrame } from '@chassis/venues';
import { FeedRecorder, type FeedRecorderOptions } from './feed-recorder.ts';
import { durablePrefix } from './gzip-members.ts';
import { ManualClock, memoryLog, metricsSpy, realFrames } from './recording-fixtures.ts';

const HOUR_NS = 3_600_000_000_000n;
const MINUTE_NS = 60_000_000_000n;
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'chassis-rec-'));
  dirs.push(d);
  return d;
}

function recorder(root: string, over: Partial<FeedRecorderOptions> = {}): FeedRecorder {
  return new FeedRecorder({
    storage: new FsStorage(root), spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'],
    session: 's1', windowNs: HOUR_NS, flushIntervalMs: 20, bufferLimitBytes: 64 * 1024 * 1024,
    clock: new ManualClock(1_723_161_000_000_000_000n), log: memoryLog(), ...over,
  });
}

/** Every key under raw/ of a data root, relative, sorted. */
function rawKeys(root: string, sub = 'raw'): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else out.push(`${rel}/${e.name}`);
    }
  };
  if (existsSync(join(root, sub))) walk(sub);
  return out.sort();
}

function manifests(root: string): DatasetManifest[] {
  return rawKeys(root).filter((k) => k.endsWith('/manifest.json')).map((k) => parseManifest(k, readFileSync(join(root, k), 'utf8')));
}

/** The decompressed lines of every part file of the manifests, in order, as bytes. */
function lineBuffers(root: string, ms: readonly DatasetManifest[]): Buffer[] {
  const out: Buffer[] = [];
  for (const m of ms)
    for (const f of m.files) {
      const text = gunzipSync(readFileSync(join(root, f.key)));
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        if (text[i] !== 0x0a) continue;
        out.push(text.subarray(start, i));
        start = i + 1;
      }
      expect(start).toBe(text.length); // the file ends with a complete line
    }
  return out;
}

/**
 * The frame text a line holds, found without the writer's code: the bytes after `,"message":`
 * up to the closing brace, or the JSON-decoded `text` field.
 */
function frameBytesOfLine(line: Buffer): Buffer {
  const env = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
  if ('text' in env) return Buffer.from(env.text as string, 'utf8');
  const at = line.indexOf(',"message":');
  return line.subarray(at + ',"message":'.length, line.length - 1);
}

/** Frames no venue sends but a WebSocket text frame may carry, placed among real ones. */
const ODD_TEXTS = [
  '{"a":1,\n"b":[1,2]}', // JSON with a raw line break
  'not json at all {',
  '{"e":"trade","note":"naïve 🚀 \u2028 ✓"}',
  '',
  '  {"x": 1}  ',
  '{"x":1}\r',
  '[1,2,3]',
  '"a bare string"',
];

function withOddFrames(frames: readonly CapturedFrame[]): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  frames.forEach((f, i) => {
    out.push(f);
    if (i % 97 === 5) out.push({ source: 'ws', tsCaptureNs: f.tsCaptureNs, connectionId: f.connectionId, text: ODD_TEXTS[(i / 97) % ODD_TEXTS.length | 0]! });
  });
  return out;
}

describe('FeedRecorder writing raw files', () => {
  it('stores every frame byte for byte, exactly once, in arrival order (real messages and odd text frames)', async () => {
    const root = tempRoot();
    const frames = withOddFrames(realFrames(0, 3000));
    const rec = recorder(root);
    for (const f of frames) rec.frame(f);
    await rec.close('test done');
    const lines = lineBuffers(root, manifests(root));
    expect(lines).toHaveLength(frames.length);
    lines.forEach((line, i) => expect(frameBytesOfLine(line).equals(Buffer.from(frames[i]!.text, 'utf8'))).toBe(true));
  });

  it('writes each frame with its own capture time, never going backwards, and its provenance', async () => {
    const root = tempRoot();
    const frames = realFrames(0, 2000);
    const rec = recorder(root);
    for (const f of frames) rec.frame(f);
    await rec.close('test done');
    const envs = lineBuffers(root, manifests(root)).map((l) => JSON.parse(l.toString('utf8')) as Record<string, string>);
    expect(envs.map((e) => BigInt(e.tsLocalNs!))).toEqual(frames.map((f) => f.tsCaptureNs));
    for (let i = 1; i < envs.length; i++) expect(BigInt(envs[i]!.tsLocalNs!) >= BigInt(envs[i - 1]!.tsLocalNs!)).toBe(true);
    expect(envs.every((e) => e.venue === 'binance-usdm' && e.feed === 'depth+trade+bbo' && e.connectionId === 's1-c1')).toBe(true);
    const rest = envs.filter((e) => 'url' in e);
    expect(rest).toHaveLength(frames.filter((f) => f.source === 'rest').length);
    expect(rest[0]).toMatchObject({ instrument: 'BTCUSDT', url: 'https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000' });
  });

  it('publishes a manifest whose sha256, sizes, counts and capture times match the files', async () => {
    const root = tempRoot();
    const frames = realFrames(100, 1500);
    const rec = recorder(root);
    for (const f of frames) rec.frame(f);
    await rec.close('test done');
    const [m] = manifests(root);
    expect(m).toMatchObject({ venue: 'binance-usdm', feed: 'depth+trade+bbo', instrument: 'BTCUSDT', symbols: ['BTCUSDT'], completeness: 'partial' });
    for (const f of m!.files) {
      const bytes = readFileSync(join(root, f.key));
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.bytes).toBe(bytes.length);
      expect(f.messages).toBe(gunzipSync(bytes).toString('utf8').split('\n').length - 1);
      expect(f.key).toMatch(/^raw\/binance-usdm\/depth\+trade\+bbo\/20240808T230000Z\/part-0000-s1\.jsonl\.gz$/);
    }
    expect(m!.messages).toBe(frames.length);
    expect(m!.firstCaptureNs).toBe(String(frames[0]!.tsCaptureNs));
    expect(m!.lastCaptureNs).toBe(String(frames[frames.length - 1]!.tsCaptureNs));
    expect(m!.window).toEqual({ startNs: '1723158000000000000', endNs: '1723161600000000000' });
    expect(m!.capture).toMatchObject({ session: 's1', connectionIds: ['s1-c1'] });
    expect(rawKeys(root).some((k) => k.endsWith('open.json'))).toBe(false);
  });

  it('begins a new part file once one reaches maxPartBytes, and lists the parts in order in the manifest', async () => {
    const root = tempRoot();
    const rec = recorder(root, { maxPartBytes: 20_000 });
    const frames = realFrames(0, 3000);
    for (let i = 0; i < frames.length; i += 500) {
      for (const f of frames.slice(i, i + 500)) rec.frame(f);
      await expect.poll(() => rawKeys(root).filter((k) => k.endsWith('.jsonl.gz')).length, { timeout: 5000 }).toBeGreaterThanOrEqual(Math.min(i / 500 + 1, 2));
    }
    await rec.close('done');
    const [m] = manifests(root);
    expect(m!.files.length).toBeGreaterThan(1);
    expect(m!.files.map((f) => f.key.replace(/^.*\//, ''))).toEqual(m!.files.map((_f, i) => `part-${String(i).padStart(4, '0')}-s1.jsonl.gz`));
    expect(m!.files.slice(0, -1).every((f) => f.bytes >= 20_000)).toBe(true);
    const lines = lineBuffers(root, [m!]);
    lines.forEach((line, i) => expect(frameBytesOfLine(line).equals(Buffer.from(frames[i]!.text, 'utf8'))).toBe(true));
    expect(lines).toHaveLength(frames.length);
  });

  it('reports every frame to the metrics with the bytes of its line and its lag, and every connection event', async () => {
    const root = tempRoot();
    const metrics = metricsSpy();
    const frames = realFrames(0, 500);
    const rec = recorder(root, { metrics });
    rec.event({ type: 'open', tsNs: frames[0]!.tsCaptureNs, connectionId: 's1-c1', reason: 'connected' });
    for (const f of frames) rec.frame(f);
    await rec.close('done');
    const [m] = manifests(root);
    expect(metrics.calls.frames).toBe(500);
    expect(metrics.calls.bytes).toBe(gunzipSync(readFileSync(join(root, m!.files[0]!.key))).length);
    expect(metrics.calls.lags).toHaveLength(frames.filter((f) => /"E":\d{13}/.test(f.text)).length);
    expect(metrics.calls.events).toEqual(['open']);
  });

  it('reports the free space of the spool file system as statfs sees it', async () => {
    const root = tempRoot();
    const metrics = metricsSpy();
    const rec = recorder(root, { metrics });
    for (const f of realFrames(0, 10)) rec.frame(f);
    await expect.poll(() => metrics.calls.diskFree.length, { timeout: 5000 }).toBeGreaterThan(0);
    await rec.close('done');
    const s = statfsSync(root);
    expect(Math.abs(metrics.calls.diskFree[0]! - s.bavail * s.bsize)).toBeLessThan(512 * 1024 * 1024);
  });

  it('writes one gzip member per flush, so the file is cut only at flush boundaries', async () => {
    const root = tempRoot();
    const rec = recorder(root);
    const frames = realFrames(0, 300);
    const path = join(root, 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z/part-0000-s1.jsonl.gz');
    const members = () => (existsSync(path) ? durablePrefix(readFileSync(path)).members : 0);
    for (let i = 0; i < 3; i++) {
      for (const f of frames.slice(i * 100, (i + 1) * 100)) rec.frame(f);
      await expect.poll(members, { timeout: 5000 }).toBe(i + 1);
    }
    await rec.close('test done');
    expect(durablePrefix(readFileSync(path))).toMatchObject({ members: 3, bytes: readFileSync(path).length });
  });
});

describe('FeedRecorder windows', () => {
  it('closes each window at its boundary: a window recorded from start to end without a gap is complete', async () => {
    const root = tempRoot();
    const frames = realFrames(0, 93_954).filter((_f, i) => i % 8 === 0);
    const clock = new ManualClock(frames[0]!.tsCaptureNs - 1n);
    const rec = recorder(root, { windowNs: MINUTE_NS, clock });
    for (const f of frames) {
      clock.ns = f.tsCaptureNs;
      rec.frame(f);
    }
    await rec.close('test done');
    const ms = manifests(root);
    // 23:54:15 → 23:59:59: six one-minute windows; only the first and the last are not covered whole.
    expect(ms.map((m) => [m.window.startNs, m.completeness])).toEqual([
      ['1723161240000000000', 'partial'], ['1723161300000000000', 'complete'], ['1723161360000000000', 'complete'],
      ['1723161420000000000', 'complete'], ['1723161480000000000', 'complete'], ['1723161540000000000', 'partial'],
    ]);
    for (const m of ms) {
      expect(BigInt(m.firstCaptureNs!) >= BigInt(m.window.startNs)).toBe(true);
      expect(BigInt(m.lastCaptureNs!) < BigInt(m.window.endNs)).toBe(true);
    }
    expect(ms.reduce((n, m) => n + m.messages!, 0)).toBe(frames.length);
    expect(lineBuffers(root, ms).map((l) => BigInt(JSON.parse(l.toString('utf8')).tsLocalNs))).toEqual(frames.map((f) => f.tsCaptureNs));
  });

  it('closes a window when the clock passes its end even if no frame follows', async () => {
    const root = tempRoot();
    const frames = realFrames(0, 50);
    const clock = new ManualClock(1_723_161_240_000_000_000n - 1n);
    const rec = recorder(root, { windowNs: MINUTE_NS, clock });
    for (const f of frames) rec.frame(f);
    await new Promise((r) => setTimeout(r, 60));
    expect(manifests(root)).toEqual([]);
    clock.ns = 1_723_161_300_000_000_000n; // the window's end
    await expect.poll(() => manifests(root).map((m) => m.completeness), { timeout: 5000 }).toEqual(['complete']);
    await rec.close('test done');
    expect(manifests(root)).toHaveLength(1);
  });

  it('keeps writing the next window while the previous one is still being uploaded', async () => {
    const root = tempRoot();
    const spool = tempRoot();
    let release!: () => void;
    const uploadStalled = new Promise<void>((r) => (release = r));
    const fsStorage = new FsStorage(root);
    const slowUpload = Object.assign(Object.create(fsStorage) as FsStorage, {
      putFile: async (key: string, path: string) => {
        await uploadStalled;
        return fsStorage.putFile(key, path);
      },
    });
    const frames = realFrames(0, 93_954).filter((f) => f.tsCaptureNs < 1_723_161_360_000_000_000n).filter((_f, i) => i % 10 === 0);
    const clock = new ManualClock(frames[0]!.tsCaptureNs);
    const rec = recorder(root, { storage: slowUpload, spoolDir: spool, windowNs: MINUTE_NS, clock });
    const second = frames.findIndex((f) => f.tsCaptureNs >= 1_723_161_300_000_000_000n);
    for (const f of frames.slice(0, second + 10)) rec.frame(f);
    const w2Part = join(spool, 'raw/binance-usdm/depth+trade+bbo/20240808T235500Z/part-0000-s1.jsonl.gz');
    await expect.poll(() => existsSync(w2Part) && durablePrefix(readFileSync(w2Part)).members, { timeout: 5000 }).toBe(1);
    for (const f of frames.slice(second + 10)) rec.frame(f);
    await expect.poll(() => existsSync(w2Part) && durablePrefix(readFileSync(w2Part)).members, { timeout: 5000 }).toBe(2);
    expect(manifests(root)).toEqual([]); // the first window's upload is still stuck
    release();
    await rec.close('done');
    expect(manifests(root).map((m) => m.messages)).toEqual([second, frames.length - second]);
  });

  it('records a second session in the same window in its own directory, so each holds one manifest', async () => {
    const root = tempRoot();
    const a = recorder(root, { session: 'sA' });
    for (const f of realFrames(0, 100)) a.frame(f);
    await a.close('restart');
    const b = recorder(root, { session: 'sB' });
    for (const f of realFrames(100, 100)) b.frame(f);
    await b.close('done');
    const keys = rawKeys(root).filter((k) => k.endsWith('manifest.json'));
    expect(keys).toEqual([
      'raw/binance-usdm/depth+trade+bbo/20240808T230000Z-sB/manifest.json',
      'raw/binance-usdm/depth+trade+bbo/20240808T230000Z/manifest.json',
    ]);
  });

  it('lists gaps from gap events (with their symbol) and every other connection event in the manifest', async () => {
    const root = tempRoot();
    const frames = realFrames(0, 20);
    const rec = recorder(root);
    const t = frames[0]!.tsCaptureNs;
    rec.event({ type: 'open', tsNs: t, connectionId: 's1-c1', reason: 'connected to wss://fstream.binance.com/public/stream' });
    for (const f of frames.slice(0, 10)) rec.frame(f);
    rec.event({ type: 'gap', tsNs: t + 5n, connectionId: 's1-c1', reason: 'pu 5 != previous u 4', instrument: 'BTCUSDT', fromNs: t + 1n, toNs: t + 5n });
    rec.event({ type: 'resync', tsNs: t + 5n, connectionId: 's1-c1', reason: 'refetching the snapshot', instrument: 'BTCUSDT' });
    for (const f of frames.slice(10)) rec.frame(f);
    await rec.close('operator stop');
    const [m] = manifests(root);
    expect(m!.gaps).toEqual([{ fromNs: String(t + 1n), toNs: String(t + 5n), reason: 'pu 5 != previous u 4', instrument: 'BTCUSDT' }]);
    expect(m!.connectionEvents!.map((e) => [e.type, e.reason])).toEqual([
      ['open', 'connected to wss://fstream.binance.com/public/stream'],
      ['resync', 'BTCUSDT: refetching the snapshot'],
      ['closed', 'recorder stopped: operator stop'],
    ]);
    expect(m!.completeness).toBe('partial');
  });

  it('keeps open.json beside the open window, refreshed with counts, capture times and events, and removes it on publication', async () => {
    const root = tempRoot();
    const frames = realFrames(0, 200);
    const rec = recorder(root, { heartbeatIntervalMs: 10 });
    rec.event({ type: 'open', tsNs: frames[0]!.tsCaptureNs, connectionId: 's1-c1', reason: 'connected' });
    for (const f of frames) rec.frame(f);
    const path = join(root, 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z/open.json');
    await expect.poll(() => existsSync(path) && (JSON.parse(readFileSync(path, 'utf8')) as { messages: number }).messages, { timeout: 5000 }).toBe(200);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      format: 'chassis-open-window-v1', session: 's1', pid: process.pid, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'],
      dirKey: 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z', coveredFromStart: false,
      files: [{ key: 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z/part-0000-s1.jsonl.gz', messages: 200 }],
      firstCaptureNs: String(frames[0]!.tsCaptureNs), lastCaptureNs: String(frames[199]!.tsCaptureNs),
      connectionEvents: [{ type: 'open', reason: 'connected' }], connectionIds: ['s1-c1'],
    });
    await rec.close('done');
    expect(existsSync(path)).toBe(false);
  });

  it('publishes nothing for a window that saw no message', async () => {
    const root = tempRoot();
    const rec = recorder(root);
    rec.event({ type: 'open', tsNs: 1_723_161_000_000_000_000n, connectionId: 's1-c1', reason: 'connected' });
    await rec.close('done');
    expect(rawKeys(root)).toEqual([]);
  });
});

describe('FeedRecorder options', () => {
  it.each([
    [{ flushIntervalMs: 1500 }, /flushIntervalMs must be in \(0, 1000\] ms/],
    [{ flushIntervalMs: 0 }, /flushIntervalMs must be in \(0, 1000\] ms/],
    [{ windowNs: 1_500_000_000n }, /window length must be a positive whole number of seconds/],
    [{ windowNs: 0n }, /window length must be a positive whole number of seconds/],
    [{ bufferLimitBytes: 0 }, /bufferLimitBytes must be positive/],
  ] as const)('rejects %o with E_RECORD_CONFIG naming the option', (over, message) => {
    expect(() => recorder(tempRoot(), over)).toThrow(expect.objectContaining({ code: 'E_RECORD_CONFIG', message: expect.stringMatching(message) }));
  });
});
