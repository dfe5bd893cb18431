import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FsStorage } from '@chassis/storage';
import { parseManifest } from '@chassis/quality';
import { FeedRecorder } from './feed-recorder.ts';
import { ManualClock, memoryLog, realFrames, usdmLines } from './recording-fixtures.ts';
import { nodeRecordingFs } from './recording-fs.ts';
import type { OpenWindowState } from './open-window.ts';
import { recoverOpenWindows } from './window-recovery.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'chassis-recr-'));
  dirs.push(d);
  return d;
}

const DIR_KEY = 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z';
/** Above Linux's largest possible pid_max (2^22): no process has it. */
const DEAD_PID = 4_194_305;

function openState(over: Partial<OpenWindowState>): OpenWindowState {
  return {
    format: 'chassis-open-window-v1', session: 'dead1', pid: DEAD_PID, host: hostname(),
    venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], dirKey: DIR_KEY,
    window: { startNs: '1723158000000000000', endNs: '1723161600000000000' }, coveredFromStart: true,
    files: [], messages: 0, gaps: [], connectionEvents: [{ tsNs: '1723161255030314667', connectionId: 'dead1-c1', type: 'open', reason: 'connected' }],
    connectionIds: ['dead1-c1'], lagMs: null, updatedAtMs: 0, ...over,
  };
}

/** Raw lines of the first n real frames, as the writer writes them. */
function rawLines(from: number, n: number): string[] {
  return usdmLines().slice(from, from + n).map((l) => {
    const sp = l.indexOf(' ');
    return `{"tsLocalNs":"${l.slice(0, sp)}","venue":"binance-usdm","feed":"depth+trade+bbo","connectionId":"dead1-c1","message":${l.slice(sp + 1)}}\n`;
  });
}

/** A window a dead session left: open.json and a part file of whole members plus `torn` bytes of one more. */
function leaveOpenWindow(root: string, members: string[][], torn: number, state: Partial<OpenWindowState> = {}): Buffer {
  const dir = join(root, ...DIR_KEY.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'open.json'), JSON.stringify(openState(state)));
  const whole = Buffer.concat(members.map((m) => gzipSync(m.join(''))));
  const next = gzipSync(rawLines(5000, 50).join(''));
  writeFileSync(join(dir, `part-0000-${state.session ?? 'dead1'}.jsonl.gz`), Buffer.concat([whole, next.subarray(0, torn)]));
  return whole;
}

describe('recoverOpenWindows', () => {
  it('cuts a torn last member and publishes what was durable as an incomplete manifest matching the file', async () => {
    const root = tempRoot();
    const members = [rawLines(0, 100), rawLines(100, 250), rawLines(350, 7)];
    const whole = leaveOpenWindow(root, members, 333);
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog(), nowNs: 1_723_161_400_000_000_000n });
    expect(w!.truncatedBytes).toBe(333);
    const m = parseManifest(`${DIR_KEY}/manifest.json`, readFileSync(join(root, DIR_KEY, 'manifest.json'), 'utf8'));
    const file = readFileSync(join(root, m.files[0]!.key));
    expect(file.equals(whole)).toBe(true);
    expect(m.files[0]).toEqual({ key: `${DIR_KEY}/part-0000-dead1.jsonl.gz`, sha256: createHash('sha256').update(whole).digest('hex'), bytes: whole.length, messages: 357 });
    expect(gunzipSync(file).toString('utf8')).toBe(members.flat().join(''));
    const first = usdmLines()[0]!;
    const last = usdmLines()[356]!;
    expect(m).toMatchObject({
      completeness: 'incomplete', messages: 357, firstCaptureNs: first.slice(0, first.indexOf(' ')), lastCaptureNs: last.slice(0, last.indexOf(' ')),
      connectionEvents: [{ type: 'open', reason: 'connected' }], capture: { session: 'dead1', connectionIds: ['dead1-c1'] },
    });
    expect(m.gaps).toEqual([{ fromNs: m.lastCaptureNs, toNs: '1723161400000000000', reason: expect.stringMatching(/^recorder session dead1 \(pid \d+ on .+\) ended without closing the window/) }]);
    expect(existsSync(join(root, DIR_KEY, 'open.json'))).toBe(false);
  });

  it('recovers a window of several part files: the full ones whole, the last cut', async () => {
    const root = tempRoot();
    leaveOpenWindow(root, [rawLines(0, 30), rawLines(30, 30)], 0);
    const second = Buffer.concat([gzipSync(rawLines(60, 5).join('')), gzipSync(rawLines(65, 5).join('')).subarray(0, 40)]);
    writeFileSync(join(root, DIR_KEY, 'part-0001-dead1.jsonl.gz'), second);
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.manifest!.files.map((f) => [f.key.replace(/^.*\//, ''), f.messages])).toEqual([['part-0000-dead1.jsonl.gz', 60], ['part-0001-dead1.jsonl.gz', 5]]);
    expect(w!.truncatedBytes).toBe(40);
    const last = usdmLines()[64]!;
    expect(w!.manifest!.lastCaptureNs).toBe(last.slice(0, last.indexOf(' ')));
  });

  it.each([0, 1, 9, 10, 200])('finds the same durable prefix whatever the torn member\'s length (%i bytes)', async (torn) => {
    const root = tempRoot();
    leaveOpenWindow(root, [rawLines(0, 40), rawLines(40, 40)], torn);
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.manifest!.messages).toBe(80);
    expect(w!.truncatedBytes).toBe(torn);
  });

  it('leaves alone a window whose recorder is alive on this host', async () => {
    const root = tempRoot();
    leaveOpenWindow(root, [rawLines(0, 10)], 0, { pid: process.ppid, session: 'other' });
    expect(await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() })).toEqual([]);
    expect(existsSync(join(root, DIR_KEY, 'open.json'))).toBe(true);
  });

  it('leaves alone a window of another host whose heartbeat is fresh, and recovers it once the heartbeat is stale', async () => {
    const root = tempRoot();
    leaveOpenWindow(root, [rawLines(0, 10)], 0, { host: 'rec-elsewhere', updatedAtMs: Date.now() - 1_000 });
    expect(await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() })).toEqual([]);
    leaveOpenWindow(root, [rawLines(0, 10)], 0, { host: 'rec-elsewhere', updatedAtMs: Date.now() - 61_000 });
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.manifest).toMatchObject({ completeness: 'incomplete', messages: 10, capture: { host: 'rec-elsewhere' } });
  });

  it('leaves alone the windows of a session while any of its feed recorders is still open, even after one failed and was closed', async () => {
    const root = tempRoot();
    const storage = new FsStorage(root);
    const common = { storage, spoolDir: root, venue: 'binance-usdm' as const, symbols: ['BTCUSDT'], session: 'live1', windowNs: 3_600_000_000_000n, flushIntervalMs: 20, bufferLimitBytes: 1 << 20, clock: new ManualClock(0n), log: memoryLog() };
    const failing = new FeedRecorder({ ...common, feed: 'trade', fs: { ...nodeRecordingFs, open: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) } });
    const running = new FeedRecorder({ ...common, feed: 'depth' });
    for (const f of realFrames(0, 20)) running.frame(f);
    failing.frame(realFrames(0, 1)[0]!);
    await failing.failed;
    await failing.close('stop').catch(() => undefined);
    await expect.poll(() => existsSync(join(root, 'raw/binance-usdm/depth/20240808T230000Z/part-0000-live1.jsonl.gz')), { timeout: 5000 }).toBe(true);
    expect(await recoverOpenWindows({ storage, spoolDir: root, log: memoryLog() })).toEqual([]);
    await running.close('stop');
  });

  it('recovers a window whose pid is this process but whose session is not one of ours (a restarted container reuses pid 1)', async () => {
    const root = tempRoot();
    leaveOpenWindow(root, [rawLines(0, 10)], 5, { pid: process.pid });
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.manifest!.completeness).toBe('incomplete');
  });

  it('removes a window with nothing durable and publishes no manifest', async () => {
    const root = tempRoot();
    leaveOpenWindow(root, [], 17);
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    expect(w!.manifest).toBeNull();
    expect(existsSync(join(root, DIR_KEY))).toBe(false);
  });

  it('loses nothing that was on disk when the recorder process is SIGKILLed mid-window', async () => {
    const root = tempRoot();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sigkill-child.ts'), root], { stdio: ['ignore', 'pipe', 'inherit'] });
    let onDisk = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/ondisk (\d+) sent (\d+)/g)) {
          onDisk = Number(m[1]);
          if (onDisk >= 3000 && child.signalCode === null) {
            child.kill('SIGKILL');
            resolve();
          }
        }
      });
      child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`recorder child exited early (${code})`))));
    });
    await new Promise((r) => child.once('close', r));
    const [w] = await recoverOpenWindows({ storage: new FsStorage(root), spoolDir: root, log: memoryLog() });
    const m = w!.manifest!;
    expect(m.completeness).toBe('incomplete');
    expect(m.messages).toBeGreaterThanOrEqual(onDisk);
    const file = readFileSync(join(root, m.files[0]!.key));
    expect(createHash('sha256').update(file).digest('hex')).toBe(m.files[0]!.sha256);
    const text = gunzipSync(file).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const got = text.slice(0, -1).split('\n');
    expect(got).toHaveLength(m.messages!);
    // A prefix of what was sent, in order, byte for byte, capture times never going back.
    const sent = usdmLines().slice(0, got.length).map((l) => l.slice(l.indexOf(' ') + 1));
    expect(got.map((l) => l.slice(l.indexOf(',"message":') + 11, -1))).toEqual(sent);
    const ts = got.map((l) => BigInt((JSON.parse(l) as { tsLocalNs: string }).tsLocalNs));
    for (let i = 1; i < ts.length; i++) expect(ts[i]! >= ts[i - 1]!).toBe(true);
  });
});
