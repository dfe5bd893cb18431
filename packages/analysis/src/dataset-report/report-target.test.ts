import { describe, expect, it } from 'vitest';
import { parseReportTime } from './report-target.ts';

describe('report window times', () => {
  it('takes ns since epoch as is', () => {
    expect(parseReportTime('1723161256313000123', '--from')).toBe(1_723_161_256_313_000_123n);
  });

  it('reads ISO 8601 in UTC to the nanosecond', () => {
    expect(parseReportTime('2024-08-08T23:54:16.313000123Z', '--from')).toBe(1_723_161_256_313_000_123n);
    expect(parseReportTime('2024-08-08T23:54:16Z', '--from')).toBe(1_723_161_256_000_000_000n);
    expect(parseReportTime('2024-08-09T01:54:16.5+02:00', '--to')).toBe(1_723_161_256_500_000_000n);
  });

  it('refuses text that is not a time with a code naming the flag', () => {
    expect(() => parseReportTime('yesterday', '--to')).toThrow(expect.objectContaining({ code: 'E_REPORT_WINDOW', message: expect.stringContaining('--to yesterday') }));
  });
});
