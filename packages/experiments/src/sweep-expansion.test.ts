import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backend } from '../test/fixtures/arithmetic-backend.ts';
import { axisValues, expandSweep, gridPoints, randomPoints } from './sweep-expansion.ts';
import { loadSweepFile, parseSweep } from './sweep-file.ts';

const base = { strategy: { params: { a: 1, b: 1 } }, window: { from: '2024-08-08T00:00:00Z', to: '2024-08-08T00:05:00Z' } };

function sweep(doc: Record<string, unknown>) {
  return parseSweep({ base, ...doc }, 'sweep.yaml', '/tmp');
}

const ctx = { dataRoot: '/nonexistent-data-root', baseDir: '/tmp' };

describe('sweep expansion', () => {
  it('expands the minimal grid form into the cartesian product with distinct stable run ids', async () => {
    const e1 = await expandSweep(sweep({ grid: { 'strategy.params.a': [1, 2, 3], 'strategy.params.b': [1, 2] } }), backend, ctx);
    const e2 = await expandSweep(sweep({ grid: { 'strategy.params.a': [1, 2, 3], 'strategy.params.b': [1, 2] } }), backend, ctx);
    expect(e1.members).toHaveLength(6);
    expect(new Set(e1.members.map((m) => m.runId)).size).toBe(6);
    expect(e1.members.map((m) => m.runId)).toEqual(e2.members.map((m) => m.runId));
    expect(e1.experimentId).toBe(e2.experimentId);
    expect(e1.members[1]!.params).toEqual({ 'strategy.params.a': 1, 'strategy.params.b': 2 });
    expect((e1.members[5]!.definition as typeof base).strategy.params).toEqual({ a: 3, b: 2, mode: 'ok' });
  });

  it('gives the same experiment id whatever the order of the axes in the file', async () => {
    const e1 = await expandSweep(sweep({ grid: { 'strategy.params.a': [1, 2], 'strategy.params.b': [3, 4] } }), backend, ctx);
    const e2 = await expandSweep(sweep({ grid: { 'strategy.params.b': [4, 3], 'strategy.params.a': [2, 1] } }), backend, ctx);
    expect(e2.experimentId).toBe(e1.experimentId);
  });

  it('expands ranges inclusively without floating-point drift', () => {
    expect(axisValues({ from: 0.1, to: 0.5, step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(axisValues({ from: 1, to: 4, step: 2 })).toEqual([1, 3]);
  });

  it('has as many grid points as the product of the axis lengths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (lens) => {
        const grid = Object.fromEntries(lens.map((n, i) => [`p${i}`, Array.from({ length: n }, (_, k) => k)]));
        expect(gridPoints(grid)).toHaveLength(lens.reduce((x, y) => x * y, 1));
      }),
    );
  });

  it('draws the same random samples for the same seed and different ones for another seed', () => {
    const params = { x: { min: 0, max: 1, integer: false }, n: { min: 1, max: 5, integer: true }, c: ['u', 'v'] };
    const s1 = randomPoints(20, 7, params);
    expect(randomPoints(20, 7, params)).toEqual(s1);
    expect(randomPoints(20, 8, params)).not.toEqual(s1);
    for (const p of s1) {
      expect(p.x as number).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(p.n) && (p.n as number) >= 1 && (p.n as number) <= 5).toBe(true);
      expect(['u', 'v']).toContain(p.c);
    }
  });

  it('multiplies parameter points by dataset windows for a segment sweep', async () => {
    const e = await expandSweep(
      sweep({ grid: { 'strategy.params.a': [1, 2] }, windows: [{ from: 'd1', to: 'd2' }, { from: 'd2', to: 'd3' }, { from: 'd3', to: 'd4' }] }),
      backend,
      ctx,
    );
    expect(e.members).toHaveLength(6);
    expect((e.members[2]!.definition as typeof base).window).toEqual({ from: 'd3', to: 'd4' });
    expect(e.members[2]!.params.window).toBe('d3..d4');
  });

  it('rejects a swept parameter that does not exist in the base, naming it', async () => {
    await expect(expandSweep(sweep({ grid: { 'strategy.params.spreadTcks': [1, 2] } }), backend, ctx)).rejects.toThrow(/unknown parameter "strategy.params.spreadTcks"/);
  });

  it('rejects an empty axis with a message naming the axis', () => {
    expect(() => sweep({ grid: { 'strategy.params.a': [] } })).toThrow(/grid.strategy.params.a: axis is empty/);
    expect(() => sweep({ grid: { 'strategy.params.a': { from: 3, to: 1, step: 1 } } })).toThrow(/range is empty/);
  });

  it('rejects unknown fields in the sweep file', () => {
    expect(() => sweep({ grid: { 'strategy.params.a': [1] }, gird: {} })).toThrow(/E?gird|Unrecognized key/);
  });

  it('rejects a value the run schema does not accept, naming the member', async () => {
    await expect(expandSweep(sweep({ grid: { 'strategy.params.a': [1, 'two'] } }), backend, ctx)).rejects.toThrow(/member 2 .*strategy.params.a/);
  });

  it('refuses a sweep larger than its limit unless told yes', async () => {
    const s = sweep({ grid: { 'strategy.params.a': { from: 1, to: 30, step: 1 } }, limit: 10 });
    await expect(expandSweep(s, backend, ctx)).rejects.toThrow(/expands to 30 runs, more than its limit of 10; pass --yes/);
    expect((await expandSweep(s, backend, ctx, { yes: true })).members).toHaveLength(30);
  });

  it('loads a YAML sweep whose base is a run file next to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chassis-sweep-'));
    writeFileSync(join(dir, 'run.yaml'), 'strategy: { params: { a: 1, b: 1 } }\nwindow: { from: x, to: y }\n');
    writeFileSync(join(dir, 'sweep.yaml'), 'base: run.yaml\ngrid: { strategy.params.a: [1, 2, 3], strategy.params.b: [1, 2] }\n');
    const e = await expandSweep(loadSweepFile(join(dir, 'sweep.yaml')), backend, { dataRoot: dir, baseDir: dir });
    expect(e.members).toHaveLength(6);
    expect(existsSync(join(dir, 'experiments'))).toBe(false);
  });
});
