import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.ts';

/** A manifest as the recorder publishes it, with every optional field present. */
function recorderManifest(): Record<string, unknown> {
  return {
    format: 'chassis-manifest-v1', venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT', 'ETHUSDT'],
    window: { startNs: '1764633600000000000', endNs: '1764637200000000000' },
    files: [{ key: 'raw/binance-usdm/depth+trade+bbo/20261202T000000Z/part-0000-s1.jsonl.gz', sha256: 'a'.repeat(64), bytes: 10, messages: 3 }],
    messages: 3, firstCaptureNs: '1764633600000000001', lastCaptureNs: '1764633600000000009',
    completeness: 'incomplete',
    gaps: [{ fromNs: '1764633600000000002', toNs: '1764633600000000003', reason: 'sequence break', instrument: 'BTCUSDT' }],
    connectionEvents: [{ tsNs: '1764633600000000001', connectionId: 's1-c1', type: 'open', reason: 'connected' }],
    capture: { session: 's1', connectionIds: ['s1-c1'], recorderVersion: '0.1.0', host: 'rec-1' },
  };
}

const parse = (m: Record<string, unknown>) => parseManifest('raw/x/manifest.json', JSON.stringify(m));

describe('parseManifest (chassis-manifest-v1)', () => {
  it('accepts a recorder manifest with symbols, counts, capture times, connection events, host and completeness incomplete', () => {
    expect(parse(recorderManifest())).toEqual(recorderManifest());
  });

  it('accepts the minimal manifest of an importer (no recorder fields)', () => {
    const m = recorderManifest();
    for (const k of ['symbols', 'messages', 'firstCaptureNs', 'lastCaptureNs', 'connectionEvents']) delete m[k];
    m.completeness = 'complete';
    m.gaps = [];
    expect(parse(m).completeness).toBe('complete');
  });

  it.each([
    ['gaps[0].extra', (m: Record<string, unknown>) => ((m.gaps as Record<string, unknown>[])[0]!.extra = 1)],
    ['connectionEvents[0].extra', (m: Record<string, unknown>) => ((m.connectionEvents as Record<string, unknown>[])[0]!.extra = 1)],
    ['files[0].extra', (m: Record<string, unknown>) => ((m.files as Record<string, unknown>[])[0]!.extra = 1)],
    ['capture.extra', (m: Record<string, unknown>) => ((m.capture as Record<string, unknown>).extra = 1)],
  ])('rejects an unknown nested field, naming its path (%s)', (path, mutate) => {
    const m = recorderManifest();
    mutate(m);
    expect(() => parse(m)).toThrow(`raw/x/manifest.json: field "${path}" is not a manifest field`);
  });

  it.each([
    ['completeness', (m: Record<string, unknown>) => (m.completeness = 'done')],
    ['firstCaptureNs', (m: Record<string, unknown>) => (m.firstCaptureNs = 1764633600)],
    ['messages', (m: Record<string, unknown>) => (m.messages = -1)],
    ['symbols', (m: Record<string, unknown>) => (m.symbols = 'BTCUSDT')],
    ['gaps[0]', (m: Record<string, unknown>) => ((m.gaps as Record<string, unknown>[])[0]!.toNs = 5)],
    ['connectionEvents[0]', (m: Record<string, unknown>) => ((m.connectionEvents as Record<string, unknown>[])[0]!.reason = null)],
    ['capture.host', (m: Record<string, unknown>) => ((m.capture as Record<string, unknown>).host = 7)],
  ])('rejects a mistyped field, naming it (%s)', (field, mutate) => {
    const m = recorderManifest();
    mutate(m);
    expect(() => parse(m)).toThrow(`field "${field}"`);
  });
});
