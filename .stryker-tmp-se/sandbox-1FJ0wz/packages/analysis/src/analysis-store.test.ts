// @ts-nocheck
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAnalysis } from './analysis-store.ts';

const inputs = [{ id: 'run-a', sha256: 'aa' }];

describe('versioned analysis outputs', () => {
  it('writes outputs with a provenance file and gives identical bytes on a re-run', () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-analysis-'));
    const a = writeAnalysis(root, 'run-metrics', { sampleMs: 1000 }, inputs, { 'metrics.json': '{"pnl":1}\n' });
    expect(a.created).toBe(true);
    const prov = JSON.parse(readFileSync(join(a.dir, 'provenance.json'), 'utf8'));
    expect(prov).toMatchObject({ kind: 'run-metrics', analysisVersion: '1.0.0', inputs, parameters: { sampleMs: 1000 } });
    const bytes = readFileSync(join(a.dir, 'provenance.json'));
    const b = writeAnalysis(root, 'run-metrics', { sampleMs: 1000 }, inputs, { 'metrics.json': '{"pnl":1}\n' });
    expect(b).toMatchObject({ dir: a.dir, created: false });
    expect(readFileSync(join(a.dir, 'provenance.json'))).toEqual(bytes);
  });

  it('puts a new analysis version or new parameters under a new id, keeping the old one', () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-analysis-'));
    const a = writeAnalysis(root, 'run-metrics', { sampleMs: 1000 }, inputs, { 'metrics.json': '1' });
    const b = writeAnalysis(root, 'run-metrics', { sampleMs: 1000 }, inputs, { 'metrics.json': '2' }, '1.1.0');
    const c = writeAnalysis(root, 'run-metrics', { sampleMs: 500 }, inputs, { 'metrics.json': '3' });
    expect(new Set([a.dir, b.dir, c.dir]).size).toBe(3);
    expect(readFileSync(join(a.dir, 'metrics.json'), 'utf8')).toBe('1');
  });

  it('refuses to overwrite an analysis whose output changed without a version bump', () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-analysis-'));
    writeAnalysis(root, 'run-metrics', {}, inputs, { 'metrics.json': '1' });
    expect(() => writeAnalysis(root, 'run-metrics', {}, inputs, { 'metrics.json': '2' })).toThrow(/E?refusing to overwrite/);
    expect(readdirSync(join(root, 'derived', 'analysis')).filter((d) => d.startsWith('.staging'))).toEqual([]);
  });
});
