import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, openStorage } from '@chassis/storage';
import { parseManifest } from './manifest.ts';
import { pendingManifests, runPendingManifests } from './quality-run.ts';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const SPOT = `${dataFixturesDir}/binance-hftbacktest/spot_btcusdt_20240808.gz`;

describe('chassis quality run over recorder manifests', () => {
  it('promotes the datasets of a pending manifest once and records quality.json beside it', async () => {
    const storage = openStorage(mkdtempSync(join(tmpdir(), 'chassis-qr-')));
    const bytes = readFileSync(SPOT);
    const dir = 'raw/binance-spot/depth+trade+bookTicker/20240808T2354';
    await storage.put(`${dir}/part-0.gz`, bytes);
    const manifest = {
      format: 'chassis-manifest-v1', venue: 'binance-spot', feed: 'depth+trade+bookTicker', instrument: 'BTCUSDT',
      window: { startNs: '1723161200000000000', endNs: '1723161700000000000' },
      files: [{ key: `${dir}/part-0.gz`, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, messages: 41249 }],
      completeness: 'complete', gaps: [], capture: { session: 's1', connectionIds: ['c1'], recorderVersion: '0.1.0' },
    };
    await storage.put(`${dir}/manifest.json`, new TextEncoder().encode(JSON.stringify(manifest)));
    expect(await pendingManifests(storage)).toEqual([`${dir}/manifest.json`]);
    const [run] = await runPendingManifests(storage);
    const outcomes = run!.results[0]!.datasets;
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((d) => d.outcome === 'promoted')).toBe(true);
    expect(outcomes[0]!.meta.provenance.manifestKey).toBe(`${dir}/manifest.json`);
    expect(await storage.stat(`${dir}/quality.json`)).not.toBeNull();
    expect(await pendingManifests(storage)).toEqual([]);
    expect((await openCatalog(storage).find({ venue: 'binance-spot', instrument: 'BTCUSDT', kind: 'book_delta' })).length).toBeGreaterThan(0);
  });

  it('processes a manifest the recorder marked incomplete and keeps its completeness, gaps and connection events in quality.json', async () => {
    const storage = openStorage(mkdtempSync(join(tmpdir(), 'chassis-qr-')));
    const bytes = readFileSync(SPOT);
    const dir = 'raw/binance-spot/depth+trade+bbo/20240808T230000Z';
    await storage.put(`${dir}/part-0000-s2.jsonl.gz`, bytes);
    const gaps = [{ fromNs: '1723161300000000000', toNs: '1723161400000000000', reason: 'recorder died; data after the last durable message is missing' }];
    const manifest = {
      format: 'chassis-manifest-v1', venue: 'binance-spot', feed: 'depth+trade+bbo', instrument: 'BTCUSDT', symbols: ['BTCUSDT'],
      window: { startNs: '1723158000000000000', endNs: '1723161600000000000' },
      files: [{ key: `${dir}/part-0000-s2.jsonl.gz`, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, messages: 41249 }],
      messages: 41249, firstCaptureNs: '1723161200000000000', lastCaptureNs: '1723161300000000000',
      completeness: 'incomplete', gaps,
      connectionEvents: [{ tsNs: '1723161200000000000', connectionId: 's2-c1', type: 'open', reason: 'connected' }],
      capture: { session: 's2', connectionIds: ['s2-c1'], recorderVersion: '0.1.0', host: 'rec-1' },
    };
    await storage.put(`${dir}/manifest.json`, new TextEncoder().encode(JSON.stringify(manifest)));
    const [run] = await runPendingManifests(storage);
    expect(run!.results[0]!.datasets.length).toBeGreaterThan(0);
    const quality = JSON.parse(new TextDecoder().decode(await storage.get(`${dir}/quality.json`))) as Record<string, unknown>;
    expect(quality).toMatchObject({ completeness: 'incomplete', recorderGaps: gaps, connectionEvents: 1 });
  });

  it('rejects a manifest with an unknown field, naming the object and the field', () => {
    expect(() => parseManifest('raw/x/manifest.json', JSON.stringify({ format: 'chassis-manifest-v1', extra: 1 }))).toThrow(/raw\/x\/manifest.json: field "extra"/);
  });
});
