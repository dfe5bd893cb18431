// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { heatmap, rankRuns, sensitivity, variedParams, windowStability, type ComparedRun } from './sweep-comparison.ts';

const runs: ComparedRun[] = [];
for (const s of [1, 2, 3]) for (const q of [1, 2]) runs.push({ runId: `r${s}${q}`, status: 'completed', params: { 'strategy.params.spreadTicks': s, 'strategy.params.qty': q }, metrics: { pnl: s * 10 - q } });
runs.push({ runId: 'rfail', status: 'failed', params: { 'strategy.params.spreadTicks': 4, 'strategy.params.qty': 1 }, metrics: {} });

describe('sweep comparison', () => {
  it('ranks runs by a metric, failed runs without it last', () => {
    expect(rankRuns(runs, 'pnl').map((r) => r.runId)).toEqual(['r31', 'r32', 'r21', 'r22', 'r11', 'r12', 'rfail']);
  });

  it('finds the parameters that vary', () => {
    expect(variedParams(runs)).toEqual(['strategy.params.spreadTicks', 'strategy.params.qty']);
  });

  it('averages the metric per parameter value for sensitivity', () => {
    expect(sensitivity(runs, 'strategy.params.spreadTicks', 'pnl')).toEqual([
      { value: 1, mean: 8.5, min: 8, max: 9, runs: 2 },
      { value: 2, mean: 18.5, min: 18, max: 19, runs: 2 },
      { value: 3, mean: 28.5, min: 28, max: 29, runs: 2 },
    ]);
  });

  it('fills a heatmap cell per parameter pair, null where no run has the metric', () => {
    const h = heatmap(runs, 'strategy.params.spreadTicks', 'strategy.params.qty', 'pnl');
    expect(h.xValues).toEqual([1, 2, 3, 4]);
    expect(h.cells).toContainEqual([2, 1, 28]);
    expect(h.cells).toContainEqual([3, 0, null]);
  });

  it('measures stability of a parameter set across windows', () => {
    const w: ComparedRun[] = [
      { runId: 'a', status: 'completed', params: { k: 1, window: 'd1' }, metrics: { pnl: 1 } },
      { runId: 'b', status: 'completed', params: { k: 1, window: 'd2' }, metrics: { pnl: 3 } },
      { runId: 'c', status: 'completed', params: { k: 2, window: 'd1' }, metrics: { pnl: 5 } },
      { runId: 'd', status: 'completed', params: { k: 2, window: 'd2' }, metrics: { pnl: 5 } },
    ];
    expect(windowStability(w, 'pnl')).toEqual([
      { params: { k: 2 }, windows: 2, mean: 5, std: 0, min: 5, max: 5 },
      { params: { k: 1 }, windows: 2, mean: 2, std: 1, min: 1, max: 3 },
    ]);
  });
});
