import { describe, expect, it } from 'vitest';
import { componentBreakdown, flameGraphSvg, selfTimeByFunction, type CpuProfile } from './flame-graph.ts';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });

// root ─ runTimeline (timeline.ts) ─┬ step (core engine) ─ crc32 (node:zlib, no component of its own)
//      │                             └ write (journal codec)
//      └ (garbage collector)
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 6]),
    frame(2, 'runTimeline', 'file:///repo/packages/backtesting/src/timeline.ts', [3, 5]),
    frame(3, 'step', 'file:///repo/packages/core/src/engine/create-engine.ts', [4]),
    frame(4, 'crc32', 'node:zlib'),
    frame(5, 'write', 'file:///repo/packages/backtesting/src/journal/codec.ts'),
    frame(6, '(garbage collector)', ''),
  ],
  // 10 samples: crc32 ×4, step ×1, write ×3, runTimeline ×1, GC ×1; 100 µs each.
  samples: [4, 4, 4, 4, 3, 5, 5, 5, 2, 6],
  timeDeltas: Array(10).fill(100),
};

describe('flame graph of a cpu profile', () => {
  it('charges each sample to the innermost frame that belongs to a component', () => {
    const shares = Object.fromEntries(componentBreakdown(profile).map((c) => [c.name, c.fraction]));
    expect(shares['core: step (derive, risk, execution control)']).toBeCloseTo(0.5); // crc32 under step counts as core
    expect(shares['journal (own events, market digest, CRC-32, SHA-256, write)']).toBeCloseTo(0.3);
    expect(shares['timeline (two-clock merge, feed window)']).toBeCloseTo(0.1);
    expect(shares['garbage collector']).toBeCloseTo(0.1);
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it('draws one rectangle per frame above the cut-off, as wide as its inclusive time', () => {
    const svg = flameGraphSvg(profile, { title: 't', width: 1000 });
    const widths = Object.fromEntries([...svg.matchAll(/<title>(\S+)[^<]*<\/title><rect x="[\d.]+" y="\d+" width="([\d.]+)"/g)].map((m) => [m[1], Number(m[2])]));
    // width = inclusive share × 1000 − 0.5 px gap
    expect(widths).toEqual({ '(root)': 999.5, runTimeline: 899.5, step: 499.5, crc32: 399.5, write: 299.5, '(garbage': 99.5 });
    expect(flameGraphSvg(profile, { title: 't', width: 1000, minFraction: 0.35 }).match(/<g><title>/g)).toHaveLength(4); // root, runTimeline, step, crc32
  });

  it('sums self time per function, largest first and ties by name', () => {
    expect(selfTimeByFunction(profile).map(({ fn, ms }) => `${fn} ${ms}`)).toEqual([
      'crc32 node:zlib 0.4',
      'write packages/backtesting/src/journal/codec.ts 0.3',
      '(garbage collector) 0.1',
      'runTimeline packages/backtesting/src/timeline.ts 0.1',
      'step packages/core/src/engine/create-engine.ts 0.1',
    ]);
  });
});
