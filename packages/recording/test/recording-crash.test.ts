/**
 * Crashes end to end, recording from the venue server: a recorder process SIGKILLed mid-window
 * loses nothing it had written, and its restart publishes that window as incomplete before
 * recording on; a full disk (injected ENOSPC) stops the writer loudly with nothing published
 * that the quality gate could take.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { pendingManifests } from '@chassis/quality';
import { nodeRecordingFs, recoverOpenWindows, type RecordingFileSystem } from '../src/index.ts';
import { startVenueServer } from '../../../test/venue-server/index.ts';
import { manifestMismatches, publishedWindows, quietLog, rawLines, removeRecordingRoots, startRecording, until } from './venue-recording.ts';

afterAll(removeRecordingRoots);

const FEED = 'depth+trade+bbo';

function startChild(root: string, ws: string, rest: string, session: string): Promise<{ child: ChildProcess; recovered: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'recorder-child.ts'), root, ws, rest, session], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.once('data', (line: string) => resolve({ child, recovered: Number(/recording (\d+)/.exec(line)?.[1] ?? -1) }));
    child.once('exit', (code) => reject(new Error(`recorder child exited early (${code})`)));
  });
}

/** Complete raw lines on disk now, read as zlib reads a file whose last member may be torn. */
function linesWritten(root: string): number {
  let n = 0;
  for (const w of publishedWindows(root, 'binance-usdm', FEED)) {
    for (const file of w.partFiles) for (const c of gunzipSync(readFileSync(file), { finishFlush: constants.Z_SYNC_FLUSH })) if (c === 0x0a) n++;
  }
  return n;
}

describe('a recorder SIGKILLed mid-window', () => {
  it('loses nothing it had written, and the restart publishes that window as incomplete, a byte-identical prefix of what was served', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-e2e-crash-'));
    const venue = await startVenueServer({ venue: 'binance-usdm', speed: 8, maxSpanS: 60 });
    try {
      const first = await startChild(root, venue.wsBaseUrl, venue.restBaseUrl, 'crashA');
      await until('a few flushes on disk', () => linesWritten(root) > 800, 30_000);
      const written = linesWritten(root);
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      // The market waits for the restarted recorder (starting a process takes seconds on a loaded machine).
      venue.pause();

      const second = await startChild(root, venue.wsBaseUrl, venue.restBaseUrl, 'crashB');
      expect(second.recovered).toBe(1);
      await until('the restarted recorder to connect', () => venue.openConnections().length === 1);
      venue.resume();
      const dead = publishedWindows(root, 'binance-usdm', FEED)[0]!;
      expect(dead.manifest!.completeness).toBe('incomplete');
      expect(manifestMismatches(root, dead.manifest!)).toEqual([]);
      const recovered = rawLines(root, 'binance-usdm', FEED).filter((l) => l.file.startsWith(dead.dir));
      expect(recovered.length).toBeGreaterThanOrEqual(written);
      const servedToFirst = venue.served.filter((f) => f.connectionId === venue.allConnections()[0]!.id).map((f) => f.text);
      const ws = recovered.filter((l) => l.url === undefined).map((l) => l.frame);
      expect(ws).toEqual(servedToFirst.slice(0, ws.length));

      await until('the restarted recorder to record', () => publishedWindows(root, 'binance-usdm', FEED).length === 2 && linesWritten(root) > recovered.length + 100, 30_000);
      second.child.kill('SIGTERM');
      expect(await new Promise((r) => second.child.once('exit', r))).toBe(0);
      const after = publishedWindows(root, 'binance-usdm', FEED);
      expect(after.map((w) => w.manifest?.completeness)).toEqual(['incomplete', 'partial']);
      expect(manifestMismatches(root, after[1]!.manifest!)).toEqual([]);
    } finally {
      await venue.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a full disk under a live recording (injected ENOSPC)', () => {
  it('stops the writer loudly, publishes no manifest the quality gate could take, and leaves the durable prefix for recovery', async () => {
    const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
    let writes = 0;
    const fullAfterThreeWrites: RecordingFileSystem = {
      ...nodeRecordingFs,
      open: async (path, flags) => {
        const file = await nodeRecordingFs.open(path, flags);
        if (!path.endsWith('.jsonl.gz')) return file;
        return {
          write: async (b, o, l) => {
            if (++writes <= 3) return file.write(b, o, l);
            await file.write(b, o, Math.floor(l / 2)); // half a member reaches the disk, then it is full
            throw enospc();
          },
          sync: () => file.sync(),
          close: () => file.close(),
        };
      },
    };
    const rec = await startRecording({ venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'], server: { venue: 'binance-usdm', speed: 8, maxSpanS: 20 }, recorder: { fs: fullAfterThreeWrites } });
    const err = await rec.recorder.failed;
    expect(err.code).toBe('E_RECORD_DISK_FULL');
    expect(err.message).toMatch(/part-0000-.*\.jsonl\.gz: writing \d+ bytes failed \(ENOSPC/);
    await rec.connector.stop('disk full');
    await expect(rec.recorder.close('disk full')).rejects.toBe(err);
    await rec.venue.close();

    expect(publishedWindows(rec.root, 'binance-usdm', rec.feed).map((w) => w.manifest)).toEqual([null]);
    expect(await pendingManifests(rec.storage)).toEqual([]);
    expect(existsSync(join(rec.root, 'canonical'))).toBe(false);

    const [w] = await recoverOpenWindows({ storage: rec.storage, spoolDir: rec.root, log: quietLog });
    expect(w!.manifest!.completeness).toBe('incomplete');
    expect(manifestMismatches(rec.root, w!.manifest!)).toEqual([]);
    const ws = rawLines(rec.root, 'binance-usdm', rec.feed).filter((l) => l.url === undefined).map((l) => l.frame);
    expect(ws.length).toBeGreaterThan(0);
    expect(ws).toEqual(rec.venue.served.map((f) => f.text).slice(0, ws.length));
    const key = w!.manifest!.files[0]!.key;
    expect(readdirSync(join(rec.root, dirname(key))).sort()).toEqual([key.split('/').pop()!, 'manifest.json'].sort());
  });
});
