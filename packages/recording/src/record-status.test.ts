import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsStorage } from '@chassis/storage';
import { formatRecordStatus, recordStatus, recordStatusJson } from './record-status.ts';

const NOW_NS = 1_764_633_600_000_000_000n; // 2025-12-02T00:00:00Z
const S = 1_000_000_000n;

function root(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'record-status-'));
  for (const [key, doc] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), typeof doc === 'string' ? doc : JSON.stringify(doc));
  }
  return dir;
}

const file = (n: number, messages: number, bytes: number) => ({ key: `raw/binance-usdm/depth+trade/x/part-000${n}-S.jsonl.gz`, sha256: '0'.repeat(64), bytes, messages });

const closedManifest = {
  format: 'chassis-manifest-v1',
  venue: 'binance-usdm',
  feed: 'depth+trade',
  symbols: ['BTCUSDT'],
  window: { startNs: String(NOW_NS - 7200n * S), endNs: String(NOW_NS - 3600n * S) },
  files: [file(1, 700, 10_000), file(2, 300, 5_000)],
  messages: 1000,
  firstCaptureNs: String(NOW_NS - 7200n * S + 5n * S),
  lastCaptureNs: String(NOW_NS - 3600n * S - 1n * S),
  completeness: 'partial',
  gaps: [{ fromNs: '1', toNs: '2', reason: 'sequence break' }],
  connectionEvents: [{ tsNs: '1', connectionId: 'c', type: 'open', reason: 'connected' }],
  capture: { session: 'SESSION1', connectionIds: ['c'], recorderVersion: '0.1.0', host: 'rec-a' },
};

const openWindow = (extra: Record<string, unknown>) => ({
  format: 'chassis-open-window-v1',
  session: 'SESSION2',
  pid: 4242,
  host: 'rec-a',
  venue: 'binance-usdm',
  feed: 'depth+trade',
  symbols: ['BTCUSDT'],
  files: [file(1, 40, 800)],
  firstCaptureNs: String(NOW_NS - 100n * S),
  lastCaptureNs: String(NOW_NS - 2n * S),
  gaps: [],
  connectionEvents: [],
  ...extra,
});

describe('chassis record status', () => {
  it('reports a closed window from its manifest: completeness, messages, files, bytes, gaps and capture span', async () => {
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': closedManifest });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'elsewhere' });
    expect(w).toMatchObject({ venue: 'binance-usdm', feed: 'depth+trade', window: '20251201T220000Z', state: 'closed', completeness: 'partial', messages: 1000, files: 2, bytes: 15_000, gaps: 1, connectionEvents: 1, session: 'SESSION1', host: 'rec-a', promotion: null });
    expect([w!.firstCaptureNs, w!.lastCaptureNs]).toEqual([NOW_NS - 7195n * S, NOW_NS - 3601n * S]);
  });

  it('adds up the files when a manifest carries no message total', async () => {
    const { messages: _dropped, ...older } = closedManifest;
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': older });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS });
    expect(w!.messages).toBe(700 + 300);
  });

  it('reads the promotion state from quality.json: outcome counts, rejected included', async () => {
    const dir = root({
      'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': closedManifest,
      'raw/binance-usdm/depth+trade/20251201T220000Z/quality.json': {
        manifestKey: 'x',
        datasets: [
          { id: 'a', kind: 'book_delta', outcome: 'promoted', reason: '' },
          { id: 'b', kind: 'trade', outcome: 'promoted', reason: '' },
          { id: 'c', kind: 'bbo', outcome: 'quarantined', reason: 'gap' },
        ],
        rejected: [{ reason: 'no instrument' }],
      },
    });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS });
    expect(w!.promotion).toEqual({ promoted: 2, quarantined: 1, rejected: 1 });
  });

  it('reports an open window with a recent heartbeat as alive, with how long ago the last message came', async () => {
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T230000Z/open.json': openWindow({ updatedAtMs: Number((NOW_NS - 3n * S) / 1_000_000n), lagMs: 12 }) });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'rec-a', pidAlive: () => true });
    expect(w).toMatchObject({ state: 'open', session: 'SESSION2', pid: 4242, host: 'rec-a', messages: 40, heartbeatAgeNs: 3n * S, liveness: 'alive', captureAgeNs: 2n * S, lagMs: 12 });
  });

  it('calls an open window stale once its heartbeat is older than 15 s', async () => {
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T230000Z/open.json': openWindow({ updatedAtMs: Number((NOW_NS - 16n * S) / 1_000_000n) }) });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'elsewhere' });
    expect(w!.liveness).toBe('stale');
  });

  it('calls an open window dead when its recorder ran on this host and its pid is gone, however fresh the heartbeat', async () => {
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T230000Z/open.json': openWindow({ updatedAtMs: Number(NOW_NS / 1_000_000n) }) });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'rec-a', pidAlive: (pid) => pid !== 4242 });
    expect(w!.liveness).toBe('dead');
  });

  it('says no heartbeat when open.json carries none', async () => {
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T230000Z/open.json': openWindow({}) });
    const [w] = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'elsewhere' });
    expect([w!.heartbeatAgeNs, w!.liveness]).toEqual([null, null]);
    expect(formatRecordStatus([w!], dir)).toContain('no heartbeat');
  });

  it('shows a window whose manifest is published as closed even if open.json is still there', async () => {
    const dir = root({
      'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': closedManifest,
      'raw/binance-usdm/depth+trade/20251201T220000Z/open.json': openWindow({}),
    });
    const ws = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS });
    expect(ws.map((w) => w.state)).toEqual(['closed']);
  });

  it("finds an object-store recorder's open windows in its spool, and its published ones in the data root", async () => {
    const spool = root({ 'raw/okx/trade/20251201T230000Z/open.json': openWindow({ venue: 'okx', feed: 'trade' }) });
    const dataRoot = root({ 'raw/okx/trade/20251201T220000Z/manifest.json': { ...closedManifest, venue: 'okx', feed: 'trade' } });
    const ws = await recordStatus(new FsStorage(dataRoot), { nowNs: NOW_NS, spool: new FsStorage(spool) });
    expect(ws.map((w) => [w.window, w.state])).toEqual([
      ['20251201T230000Z', 'open'],
      ['20251201T220000Z', 'closed'],
    ]);
  });

  it("shows a window a restarted recorder reopened in its own {window}-{session} directory beside the first one", async () => {
    const dir = root({
      'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': closedManifest,
      'raw/binance-usdm/depth+trade/20251201T220000Z-SESSION2/open.json': openWindow({ updatedAtMs: Number(NOW_NS / 1_000_000n) }),
    });
    const ws = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'elsewhere' });
    expect(ws.map((w) => [w.window, w.dir, w.state])).toEqual([
      ['20251201T220000Z', '20251201T220000Z-SESSION2', 'open'],
      ['20251201T220000Z', '20251201T220000Z', 'closed'],
    ]);
    expect(formatRecordStatus(ws, dir).split('\n')[1]).toMatch(/^ {2}20251201T220000Z-SESSION2 {2}open /);
  });

  it('ignores imports and anything that is not a venue window', async () => {
    const dir = root({
      'raw/imports/abc/capture.gz': 'x',
      'raw/notavenue/trade/20251201T220000Z/manifest.json': closedManifest,
      'raw/okx/trade/not-a-window/manifest.json': closedManifest,
    });
    expect(await recordStatus(new FsStorage(dir), { nowNs: NOW_NS })).toEqual([]);
  });

  it('orders by venue, feed, then newest window first, and prints one block per feed', async () => {
    const dir = root({
      'raw/okx/trade/20251201T220000Z/manifest.json': { ...closedManifest, venue: 'okx', feed: 'trade' },
      'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': closedManifest,
      'raw/binance-usdm/depth+trade/20251201T230000Z/open.json': openWindow({ updatedAtMs: Number((NOW_NS - S) / 1_000_000n) }),
    });
    const ws = await recordStatus(new FsStorage(dir), { nowNs: NOW_NS, host: 'elsewhere' });
    expect(ws.map((w) => `${w.venue}/${w.feed}/${w.window}`)).toEqual(['binance-usdm/depth+trade/20251201T230000Z', 'binance-usdm/depth+trade/20251201T220000Z', 'okx/trade/20251201T220000Z']);
    const text = formatRecordStatus(ws, dir).split('\n');
    expect(text[0]).toBe('binance-usdm/depth+trade: 1 open, 1 closed (1 awaiting chassis quality run)');
    expect(text[1]).toBe('  20251201T230000Z  open    session SESSION2 pid 4242@rec-a, heartbeat 1.0 s ago (alive); 40 messages in 1 file(s), 0.8 kB, 0 gap(s), captured 23:58:20.000 … 23:59:58.000 UTC; last message 2.0 s ago');
    expect(text[2]).toBe('  20251201T220000Z  closed  partial    1000 messages in 2 file(s), 15.0 kB, 1 gap(s), captured 22:00:05.000 … 22:59:59.000 UTC; promotion pending');
    expect(text[3]).toBe('okx/trade: 0 open, 1 closed (1 awaiting chassis quality run)');
  });

  it('prints ns as decimal strings in JSON', async () => {
    const dir = root({ 'raw/binance-usdm/depth+trade/20251201T220000Z/manifest.json': closedManifest });
    const [w] = JSON.parse(recordStatusJson(await recordStatus(new FsStorage(dir), { nowNs: NOW_NS }))) as Record<string, unknown>[];
    expect(w!.firstCaptureNs).toBe(closedManifest.firstCaptureNs);
  });

  it('says so when there are no recordings', () => {
    expect(formatRecordStatus([], '/data')).toBe('no recordings under /data/raw');
  });
});
