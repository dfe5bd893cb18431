import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FsStorage } from '@chassis/storage';
import { readCapture, type CapturedFrame, type NormalizedRecord } from '@chassis/venues';
import { FeedRecorder } from './feed-recorder.ts';
import { frameOf, ManualClock, memoryLog, usdmLines } from './recording-fixtures.ts';

/** Text a frame may carry that is no Binance market-data message (each must surface as one sync issue: parse_error, or a gap if not JSON). */
const oddText = fc.oneof(
  fc.json().map((j) => (j.startsWith('{') ? j : `{"v":${j}}`)), // JSON, but no venue message
  fc.json().map((j) => `{"v":\n${j}}`), // JSON with a raw line break
  fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }), // not JSON
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function records(path: string): Promise<NormalizedRecord[]> {
  const out: NormalizedRecord[] = [];
  for await (const r of readCapture(path, { venue: 'binance-usdm' })) out.push(r);
  return out;
}

/** Records without their file location, for comparing two files holding the same messages. */
const withoutLocation = (rs: readonly NormalizedRecord[]) => rs.filter((r) => r.kind !== 'sync_issue').map((r) => ({ ...r, source: null }));

describe('FeedRecorder + capture reader round trip', () => {
  it('reads back any mix of real, odd and keep-alive frames: real ones as importing them directly would, each odd one as one parse_error (or a malformed-frame gap if not JSON), keep-alives not at all, all bytes intact', async () => {
    const all = usdmLines();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: all.length - 400 }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.tuple(fc.nat(), oddText), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (start, count, odd, pongs) => {
          const real = all.slice(start, start + count);
          const frames: CapturedFrame[] = real.map((l) => frameOf(l));
          for (const [at, text] of odd) {
            const i = at % (frames.length + 1);
            const ts = (frames[i - 1] ?? frames[i] ?? frames[0]!).tsCaptureNs;
            frames.splice(i, 0, { source: 'ws', tsCaptureNs: ts, connectionId: 's1-c1', text });
          }
          for (const at of pongs) {
            const i = at % (frames.length + 1);
            frames.splice(i, 0, { source: 'ws', tsCaptureNs: (frames[i - 1] ?? frames[i] ?? frames[0]!).tsCaptureNs, connectionId: 's1-c1', text: 'pong', keepAlive: true });
          }
          const root = mkdtempSync(join(tmpdir(), 'chassis-rt-'));
          try {
            const rec = new FeedRecorder({
              storage: new FsStorage(root), spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], session: 's1',
              windowNs: 86_400_000_000_000n, flushIntervalMs: 5, bufferLimitBytes: 64 * 1024 * 1024, clock: new ManualClock(0n), log: memoryLog(),
            });
            for (const f of frames) rec.frame(f);
            await rec.close('done');
            const part = join(root, 'raw/binance-usdm/depth+trade+bbo/20240808T000000Z/part-0000-s1.jsonl.gz');
            const lines = gunzipSync(readFileSync(part)).toString('utf8').split('\n').slice(0, -1);
            expect(lines.map((l) => {
              const env = JSON.parse(l) as { text?: string };
              return env.text ?? l.slice(l.indexOf(',"message":') + 11, -1);
            })).toEqual(frames.map((f) => f.text));

            const got = await records(part);
            const direct = join(root, 'direct.txt');
            writeFileSync(direct, `${real.join('\n')}\n`);
            const want = await records(direct);
            // A frame that is not JSON may have been a diff: from the first one the book waits for a
            // new snapshot, so the book rows are those of the real lines before it (or all of them).
            const firstUnknown = frames.findIndex((f) => !isJson(f.text));
            const realBefore = firstUnknown < 0 ? real.length : frames.slice(0, firstUnknown).filter((f) => !f.keepAlive && isJson(f.text) && real.includes(f.text)).length;
            const book = (rs: readonly NormalizedRecord[]) => rs.filter((r) => r.kind === 'book_delta');
            const notBook = (rs: readonly NormalizedRecord[]) => rs.filter((r) => r.kind !== 'book_delta');
            expect(withoutLocation(notBook(got))).toEqual(withoutLocation(notBook(want)));
            const wantBook = book(want).filter((r) => firstUnknown < 0 || r.source.line <= realBefore);
            expect(withoutLocation(book(got)).slice(0, wantBook.length)).toEqual(withoutLocation(wantBook));
            if (firstUnknown < 0) expect(book(got)).toHaveLength(book(want).length);
            else {
              const resumed = book(got)[wantBook.length] as { isSnapshot: boolean } | undefined;
              if (resumed !== undefined) expect(resumed.isSnapshot).toBe(true); // resumes only at a snapshot
            }
            const issues = (rs: readonly NormalizedRecord[]) => rs.filter((r) => r.kind === 'sync_issue' && (r.issue === 'parse_error' || r.message.startsWith('malformed frame from the venue'))).length;
            expect(issues(got)).toBe(issues(want) + odd.length);
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
