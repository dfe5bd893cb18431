import { describe, expect, it } from 'vitest';
import { hostCpuTimes, parseProcStat, stealBetween } from './host-cpu.ts';

// Two readings of this machine's /proc/stat, 5 s apart, one busy Node process (2026-12-03):
// user +320, system +13, softirq +5, idle +460, steal +255 ticks.
const BEFORE = 'cpu  2971778 2937 226703 7256437 10630 0 16076 360322 0 0\ncpu0 1485000 1400 113000 3628000 5300 0 8000 180000 0 0\nintr 1 2 3\n';
const AFTER = 'cpu  2972098 2937 226716 7256897 10630 0 16081 360577 0 0\ncpu0 1485200 1400 113010 3628200 5300 0 8002 180100 0 0\nintr 4 5 6\n';

describe('host CPU steal (bench/host-cpu.ts)', () => {
  it('reads the aggregate cpu line, not a per-CPU one', () => {
    expect(parseProcStat(BEFORE)).toEqual({ busy: 2971778 + 2937 + 226703 + 0 + 16076, idle: 7256437 + 10630, steal: 360322 });
  });

  it('gives the steal share of all CPU time and of the time the CPUs were wanted', () => {
    const s = stealBetween(parseProcStat(BEFORE), parseProcStat(AFTER))!;
    // By hand: busy 320 + 13 + 5 = 338, idle 460, steal 255; all 1053.
    expect(s.ofAll).toBeCloseTo((100 * 255) / 1053, 10);
    expect(s.ofWanted).toBeCloseTo((100 * 255) / (338 + 255), 10);
  });

  it('has no figure without a steal column, without a cpu line, or when no time passed', () => {
    expect(parseProcStat('cpu  1 2 3 4 5 6 7\n')).toBeNull();
    expect(parseProcStat('intr 1 2 3\n')).toBeNull();
    expect(parseProcStat('cpu  1 2 3 x 5 6 7 8\n')).toBeNull();
    const t = parseProcStat(BEFORE);
    expect(stealBetween(t, t)).toBeNull();
    expect(stealBetween(null, t)).toBeNull();
  });

  it('reads this machine where it is Linux', () => {
    const t = hostCpuTimes();
    if (process.platform === 'linux') {
      expect(t).not.toBeNull();
      expect(t!.busy).toBeGreaterThan(0);
      expect(t!.steal).toBeGreaterThanOrEqual(0);
    } else expect(t).toBeNull();
  });
});
