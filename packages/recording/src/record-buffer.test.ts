import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecordBuffer, type LineRun } from './record-buffer.ts';

type Op = { kind: 'append'; window: number; bytes: number } | { kind: 'event'; window: number } | { kind: 'take' } | { kind: 'written' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), window: fc.integer({ min: 0, max: 2 }), bytes: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('event' as const), window: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ kind: 'take' as const }),
  fc.constant({ kind: 'written' as const }),
);

describe('RecordBuffer', () => {
  it('holds at most its limit, counting lines being written, and hands out every accepted line once, in order, grouped by window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.array(op, { maxLength: 200 }), (limit, ops) => {
        const buf = new RecordBuffer(limit);
        // Reference model: a list of accepted lines and the byte counts of takes not yet written.
        let waiting: { window: number; line: string; bytes: number }[] = [];
        const inFlight: number[] = [];
        const held = () => waiting.reduce((n, l) => n + l.bytes, 0) + inFlight.reduce((n, b) => n + b, 0);
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'append') {
            const line = `l${seq++}`;
            const fits = held() + o.bytes <= limit;
            expect(buf.tryAppend(BigInt(o.window), line, o.bytes, BigInt(seq))).toBe(fits);
            if (fits) waiting.push({ window: o.window, line, bytes: o.bytes });
          } else if (o.kind === 'event') {
            buf.appendEvent(BigInt(o.window), { type: 'open', tsNs: 0n, connectionId: 'c', reason: 'r' });
          } else if (o.kind === 'take') {
            const runs = buf.take().filter((i): i is LineRun => i.kind === 'lines');
            expect(runs.flatMap((r) => r.lines)).toEqual(waiting.map((l) => l.line));
            for (const r of runs) expect(r.bytes).toBe(waiting.filter((l) => r.lines.includes(l.line)).reduce((n, l) => n + l.bytes, 0));
            expect(runs.every((r) => r.lines.every((l) => waiting.find((w) => w.line === l)!.window === Number(r.windowStartNs)))).toBe(true);
            inFlight.push(waiting.reduce((n, l) => n + l.bytes, 0));
            waiting = [];
          } else if (inFlight.length > 0) {
            buf.written(inFlight.shift()!);
          }
          expect(buf.bytes).toBe(held());
          expect(buf.bytes).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });
});
