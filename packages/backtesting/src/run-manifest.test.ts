import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunManifest, readRunManifest } from './run-manifest.ts';

const hash = 'c'.repeat(64);
const finished = {
  format: 'chassis-run-manifest-v1',
  runId: 'a2d819472dfda6d4',
  status: 'completed',
  diagnostic: null,
  codeVersion: 'chassis@0.1.0+705dcbc2f3e7',
  startedAt: '2026-12-01T20:23:03.802Z',
  endedAt: '2026-12-01T20:23:08.014Z',
  datasets: [{ id: 'ds_cdfb30a57345835a01ca520a', contentHash: hash }],
  events: { total: 97154, market: 93950, controlTime: 35, lastSeq: 97154 },
  journal: { file: 'journal.bin', events: 97154, blocks: 70, bytes: 4585930, sha256: hash, checkpointInterval: 10000, checkpoints: 10 },
  finalStateHash: '8175dad42dfe3795',
  outputs: { 'journal.bin': hash },
  outputHash: hash,
};

describe('run manifest read back', () => {
  it('accepts a finished and a failed manifest as runBacktest writes them', () => {
    expect(parseRunManifest(finished, 'm.json').status).toBe('completed');
    const failed = { format: 'chassis-run-manifest-v1', runId: 'failed-0123', status: 'failed', error: { code: 'E_NO_DATA', message: 'none' }, codeVersion: 'c', endedAt: 'e' };
    expect(parseRunManifest(failed, 'm.json')).toEqual(failed);
  });

  it('names the bad field and the file: a count that is a string, an unknown field, an unknown status', () => {
    expect(() => parseRunManifest({ ...finished, events: { ...finished.events, total: '97154' } }, '/runs/x/manifest.json')).toThrow(
      /^events\.total: .*number.* \(in \/runs\/x\/manifest\.json\)$/,
    );
    expect(() => parseRunManifest({ ...finished, pnl: 1 }, 'm.json')).toThrow('unknown field "pnl" (in m.json)');
    expect(() => parseRunManifest({ ...finished, status: 'done' }, 'm.json')).toThrow(/^status: /);
  });

  it('a manifest that is not JSON is E_RUN_MANIFEST naming its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    writeFileSync(join(dir, 'manifest.json'), '{"runId": ');
    expect(() => readRunManifest(dir)).toThrow(expect.objectContaining({ code: 'E_RUN_MANIFEST', message: expect.stringContaining(`${join(dir, 'manifest.json')} is not readable JSON`) }));
  });
});
