import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
// s3rver: a real S3-compatible HTTP server (npm), run on loopback for the duration of the test.
// @ts-expect-error s3rver ships no type declarations; its use is typed at the call below
import S3rver from 's3rver';
import { S3Storage } from '@chassis/storage';
import { parseManifest } from '@chassis/quality';
import { FeedRecorder } from './feed-recorder.ts';
import { ManualClock, memoryLog, realFrames } from './recording-fixtures.ts';
import { recoverOpenWindows } from './window-recovery.ts';

let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
let endpoint = '';

beforeAll(async () => {
  server = new (S3rver as unknown as new (o: object) => typeof server)({
    port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')), configureBuckets: [{ name: 'chassis' }],
  });
  endpoint = `http://127.0.0.1:${(await server.run()).port}`;
});
afterAll(async () => {
  await server.close();
});

function storage(prefix: string): S3Storage {
  return new S3Storage({
    url: `s3://chassis/${prefix}`, endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    cacheDir: mkdtempSync(join(tmpdir(), 'chassis-s3c-')),
  });
}

describe('FeedRecorder with S3 storage (s3rver on loopback)', () => {
  it('spools the open window locally and uploads its files, then the manifest, on close; the spool is emptied', async () => {
    const s3 = storage('rec-a');
    const spool = mkdtempSync(join(tmpdir(), 'chassis-spool-'));
    const frames = realFrames(0, 2500);
    const rec = new FeedRecorder({
      storage: s3, spoolDir: spool, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], session: 's3a',
      windowNs: 3_600_000_000_000n, flushIntervalMs: 20, bufferLimitBytes: 64 * 1024 * 1024,
      clock: new ManualClock(1_723_161_000_000_000_000n), log: memoryLog(),
    });
    for (const f of frames) rec.frame(f);
    const dir = 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z';
    await expect.poll(() => existsSync(join(spool, ...dir.split('/'), 'open.json')), { timeout: 5000 }).toBe(true);
    expect(await s3.list('raw')).toEqual([]); // nothing is published while the window is open
    await rec.close('done');
    expect(await s3.list('raw')).toEqual([`${dir}/manifest.json`, `${dir}/part-0000-s3a.jsonl.gz`]);
    const m = parseManifest(`${dir}/manifest.json`, new TextDecoder().decode(await s3.get(`${dir}/manifest.json`)));
    const body = Buffer.from(await s3.get(m.files[0]!.key));
    expect(m.files[0]).toMatchObject({ sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length, messages: frames.length });
    expect(gunzipSync(body).toString('utf8').split('\n')).toHaveLength(frames.length + 1);
    expect(readdirSync(join(spool, 'raw', 'binance-usdm', 'depth+trade+bbo'))).toEqual([]);
    s3.close();
  });

  it('recovers a dead session\'s spooled window by uploading its durable part and an incomplete manifest', async () => {
    const s3 = storage('rec-b');
    const spool = mkdtempSync(join(tmpdir(), 'chassis-spool-'));
    const dir = 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z';
    const local = join(spool, ...dir.split('/'));
    mkdirSync(local, { recursive: true });
    const lines = realFrames(0, 30).map((f) => `{"tsLocalNs":"${f.tsCaptureNs}","venue":"binance-usdm","feed":"depth+trade+bbo","connectionId":"d-c1","message":${f.text}}\n`);
    const durable = gzipSync(lines.join(''));
    writeFileSync(join(local, 'part-0000-dead.jsonl.gz'), Buffer.concat([durable, gzipSync('{"tsLocalNs":"1"}\n').subarray(0, 12)]));
    writeFileSync(join(local, 'open.json'), JSON.stringify({
      format: 'chassis-open-window-v1', session: 'dead', pid: 4_194_305, host: hostname(), venue: 'binance-usdm', feed: 'depth+trade+bbo',
      symbols: ['BTCUSDT'], dirKey: dir, window: { startNs: '1723158000000000000', endNs: '1723161600000000000' }, coveredFromStart: false,
      files: [], messages: 0, gaps: [], connectionEvents: [], connectionIds: [], lagMs: null, updatedAtMs: 0,
    }));
    const [w] = await recoverOpenWindows({ storage: s3, spoolDir: spool, log: memoryLog() });
    expect(w!.manifest).toMatchObject({ completeness: 'incomplete', messages: 30, capture: { connectionIds: ['d-c1'] } });
    expect(Buffer.from(await s3.get(`${dir}/part-0000-dead.jsonl.gz`)).equals(durable)).toBe(true);
    expect(await s3.stat(`${dir}/manifest.json`)).not.toBeNull();
    expect(existsSync(local)).toBe(false);
    s3.close();
  });
});
