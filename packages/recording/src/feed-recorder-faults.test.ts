import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ChassisError } from '@chassis/core';
import { FsStorage } from '@chassis/storage';
import { parseManifest } from '@chassis/quality';
import { FeedRecorder, type FeedRecorderOptions } from './feed-recorder.ts';
import { nodeRecordingFs, type RecordingFileSystem, type WritableFile } from './recording-fs.ts';
import { ManualClock, memoryLog, metricsSpy, realFrames } from './recording-fixtures.ts';
import { recoverOpenWindows } from './window-recovery.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'chassis-recf-'));
  dirs.push(d);
  return d;
}

function options(root: string, over: Partial<FeedRecorderOptions>): FeedRecorderOptions {
  return {
    storage: new FsStorage(root), spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'],
    session: 's1', windowNs: 3_600_000_000_000n, flushIntervalMs: 20, bufferLimitBytes: 64 * 1024 * 1024,
    clock: new ManualClock(1_723_161_000_000_000_000n), log: memoryLog(), ...over,
  };
}

/** A file system whose raw-file writes go through `onWrite` (which may stall or fail them). */
function faultyFs(onWrite: (file: WritableFile, buf: Uint8Array, offset: number, length: number) => Promise<{ bytesWritten: number }>): RecordingFileSystem {
  return {
    ...nodeRecordingFs,
    open: async (path, flags) => {
      const file = await nodeRecordingFs.open(path, flags);
      if (!path.endsWith('.jsonl.gz')) return file;
      return { write: (b, o, l) => onWrite(file, b, o, l), sync: () => file.sync(), close: () => file.close() };
    },
  };
}

function keysUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) (e.isDirectory() ? walk : (k: string) => out.push(k))(`${rel}/${e.name}`);
  };
  if (existsSync(join(root, 'raw'))) walk('raw');
  return out.sort();
}

describe('FeedRecorder when the disk cannot keep up', () => {
  it('warns, then drops frames once the buffer is full and records the drop as a gap with its reason (never silently)', async () => {
    const root = tempRoot();
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    let writing = false;
    const log = memoryLog();
    const metrics = metricsSpy();
    const rec = new FeedRecorder(options(root, {
      bufferLimitBytes: 64 * 1024, log, metrics,
      fs: faultyFs(async (file, b, o, l) => {
        writing = true;
        await stalled;
        return file.write(b, o, l);
      }),
    }));
    const frames = realFrames(0, 1200);
    for (const f of frames.slice(0, 30)) rec.frame(f);
    await expect.poll(() => writing, { timeout: 5000 }).toBe(true); // the first flush is now stuck writing
    for (const f of frames.slice(30, 1190)) rec.frame(f);
    release();
    await expect.poll(() => metrics.calls.fills.some((r) => r === 0), { timeout: 5000 }).toBe(true); // a flush found the buffer empty
    for (const f of frames.slice(1190)) rec.frame(f);
    await rec.close('done');

    const [key] = keysUnder(root).filter((k) => k.endsWith('manifest.json'));
    const m = parseManifest(key!, readFileSync(join(root, key!), 'utf8'));
    const kept = gunzipSync(readFileSync(join(root, m.files[0]!.key))).toString('utf8').split('\n').slice(0, -1);
    const dropped = frames.length - kept.length;
    expect(dropped).toBeGreaterThan(0);
    expect(metrics.calls.dropped).toBe(dropped);
    expect(m.gaps).toHaveLength(1);
    expect(m.gaps[0]!.reason).toBe(`recording buffer full (65536 bytes): ${dropped} messages dropped because the disk could not keep up`);
    // The kept lines are the frames minus one contiguous run [a, b), and the gap spans exactly that run.
    const keptTexts = kept.map((l) => l.slice(l.indexOf(',"message":') + 11, -1));
    let a = 0;
    while (keptTexts[a] === frames[a]!.text) a++;
    const b = a + dropped;
    expect(keptTexts).toEqual([...frames.slice(0, a), ...frames.slice(b)].map((f) => f.text));
    expect(m.gaps[0]).toMatchObject({ fromNs: String(frames[a]!.tsCaptureNs), toNs: String(frames[b - 1]!.tsCaptureNs) });
    expect(m.completeness).toBe('partial');
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual(expect.arrayContaining([
      'the disk is not keeping up: recording buffer above 80% full',
      'recording buffer full: dropping frames (recorded as a gap)',
    ]));
    expect(Math.max(...metrics.calls.fills)).toBeGreaterThanOrEqual(0.8);
    expect(metrics.calls.events).toContain('gap');
  });
});

describe('FeedRecorder on a full disk (injected ENOSPC)', () => {
  const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });

  it('stops loudly with an error naming the file, publishes no manifest, and leaves the window for recovery', async () => {
    const root = tempRoot();
    let writes = 0;
    const log = memoryLog();
    const rec = new FeedRecorder(options(root, {
      log,
      fs: faultyFs(async (file, b, o, l) => {
        if (++writes < 3) return file.write(b, o, l);
        await file.write(b, o, Math.floor(l / 2)); // half a member reaches the disk, then it is full
        throw enospc();
      }),
    }));
    const frames = realFrames(0, 600);
    for (let i = 0; i < 3; i++) {
      for (const f of frames.slice(i * 150, (i + 1) * 150)) rec.frame(f);
      await expect.poll(() => writes, { timeout: 5000 }).toBe(i + 1); // one flush, one member, per batch
    }
    const err = await rec.failed;
    expect(err).toBeInstanceOf(ChassisError);
    expect(err.code).toBe('E_RECORD_DISK_FULL');
    expect(err.message).toMatch(/raw\/binance-usdm\/depth\+trade\+bbo\/20240808T230000Z\/part-0000-s1\.jsonl\.gz: writing \d+ bytes failed \(ENOSPC/);
    expect(log.entries.some((e) => e.level === 'error' && e.msg.includes('ENOSPC'))).toBe(true);
    await expect(rec.close('shutdown')).rejects.toBe(err);
    expect(keysUnder(root).filter((k) => k.endsWith('manifest.json'))).toEqual([]);
    expect(keysUnder(root)).toContain('raw/binance-usdm/depth+trade+bbo/20240808T230000Z/open.json');

    // The next start publishes the two durable members, cutting the torn third.
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.truncatedBytes).toBeGreaterThan(0);
    expect(w!.manifest).toMatchObject({ completeness: 'incomplete', messages: 300 });
    const lines = gunzipSync(readFileSync(join(root, w!.manifest!.files[0]!.key))).toString('utf8').split('\n');
    expect(lines.slice(0, -1).map((l) => BigInt((JSON.parse(l) as { tsLocalNs: string }).tsLocalNs))).toEqual(frames.slice(0, 300).map((f) => f.tsCaptureNs));
  });

  it('publishes no manifest when the manifest itself cannot be written, and recovery later publishes the durable window', async () => {
    const root = tempRoot();
    const storage = new FsStorage(root, {
      beforeWrite: (key) => {
        if (key.endsWith('manifest.json')) throw enospc();
      },
    });
    const rec = new FeedRecorder(options(root, { storage }));
    for (const f of realFrames(0, 200)) rec.frame(f);
    await expect(rec.close('shutdown')).rejects.toMatchObject({ code: 'E_RECORD_DISK_FULL', message: expect.stringContaining('20240808T230000Z/manifest.json: publishing the manifest failed (ENOSPC') });
    expect(keysUnder(root).filter((k) => k.endsWith('manifest.json'))).toEqual([]);
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.manifest).toMatchObject({ completeness: 'incomplete', messages: 200 });
    expect(w!.truncatedBytes).toBe(0);
  });
});
