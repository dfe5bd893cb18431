import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CapturedFrame } from '@chassis/venues';
import { isSpliceable, rawLine } from './raw-line.ts';

/** Any UTF-16 code unit, lone surrogates included (a JS string can hold them; UTF-8 cannot). */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** JSON texts, some with raw line breaks or carriage returns as insignificant whitespace. */
const jsonText = fc.tuple(fc.json(), fc.constantFrom('', '\n', '\r', ' \r\n ', '\t')).map(([j, ws]) => j.replace(/,/, `,${ws}`) + (ws === '\n' ? '' : ws));

const frameText = fc.oneof(jsonText, fc.string({ unit: 'grapheme' }), fc.string({ unit: anyUnit }), fc.constantFrom('', 'null', '{"a":1}\n', '{"unterminated'));

function frame(text: string, extra: Partial<CapturedFrame> = {}): CapturedFrame {
  return { source: 'ws', tsCaptureNs: 1_723_161_255_030_314_667n, connectionId: 's1-c"1\\', text, ...extra };
}

/** The specification of "spliceable", from the standard JSON parser: one JSON value, on one line, encodable as UTF-8. */
function oracleSpliceable(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  return !text.includes('\n') && Buffer.from(text, 'utf8').toString('utf8') === text;
}

describe('rawLine', () => {
  it('makes one valid JSON line of any frame, keeping the text exactly: spliced verbatim when it is one JSON value on one line, else as a JSON string', () => {
    fc.assert(
      fc.property(frameText, fc.option(fc.webUrl()), (text, url) => {
        const f = frame(text, url === null ? {} : { source: 'rest', url, instrument: 'BTCUSDT' });
        const line = rawLine(f, 'binance-usdm', 'depth+trade+bbo');
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const env = JSON.parse(line) as Record<string, unknown>;
        expect(env).toMatchObject({ tsLocalNs: '1723161255030314667', venue: 'binance-usdm', feed: 'depth+trade+bbo', connectionId: 's1-c"1\\' });
        if (url !== null) expect(env).toMatchObject({ url, instrument: 'BTCUSDT' });
        expect(isSpliceable(text)).toBe(oracleSpliceable(text));
        if (oracleSpliceable(text)) {
          expect(line.slice(line.indexOf(',"message":') + ',"message":'.length, -2)).toBe(text);
          expect(env.message).toEqual(JSON.parse(text));
          expect('text' in env).toBe(false);
        } else {
          expect(env.text).toBe(text);
          expect('message' in env).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a JSON frame with a raw line break as text, since re-formatting it would change its bytes', () => {
    const line = rawLine(frame('{"e":"trade",\n"p":"1.5"}'), 'okx', 'trade');
    expect(line).toBe('{"tsLocalNs":"1723161255030314667","venue":"okx","feed":"trade","connectionId":"s1-c\\"1\\\\","text":"{\\"e\\":\\"trade\\",\\n\\"p\\":\\"1.5\\"}"}\n');
  });

  it('flags the venue\'s keep-alive reply so readers skip it, keeping its text', () => {
    expect(rawLine(frame('pong', { keepAlive: true }), 'okx', 'bbo')).toBe('{"tsLocalNs":"1723161255030314667","venue":"okx","feed":"bbo","connectionId":"s1-c\\"1\\\\","keepAlive":true,"text":"pong"}\n');
  });

  it('splices unicode JSON byte for byte, line separators included', () => {
    const text = '{"n":"naïve 🚀 \u2028"}';
    const line = rawLine(frame(text), 'bybit-spot', 'bbo');
    expect(Buffer.from(line, 'utf8').includes(Buffer.from(text, 'utf8'))).toBe(true);
  });
});

/** A deliberately plain envelope: JSON.stringify of every field, fresh for each frame. */
function referenceLine(f: CapturedFrame, venue: string, feed: string): string {
  let head = `{"tsLocalNs":"${f.tsCaptureNs}","venue":${JSON.stringify(venue)},"feed":${JSON.stringify(feed)},"connectionId":${JSON.stringify(f.connectionId)}`;
  if (f.url !== undefined) head += `,"url":${JSON.stringify(f.url)}`;
  if (f.instrument !== undefined) head += `,"instrument":${JSON.stringify(f.instrument)}`;
  if (f.keepAlive === true) head += ',"keepAlive":true';
  return oracleSpliceable(f.text) ? `${head},"message":${f.text}}\n` : `${head},"text":${JSON.stringify(f.text)}}\n`;
}

describe('rawLine across a sequence of frames', () => {
  it('gives each frame its own provenance when venue, feed, connection, url, instrument and keep-alive change from frame to frame', () => {
    const provenance = fc.record({
      venue: fc.constantFrom('binance-usdm' as const, 'okx' as const),
      feed: fc.constantFrom('depth', 'trade+bbo'),
      connectionId: fc.constantFrom('s1-c1', 's1-c2', 's1-"c3'),
      url: fc.option(fc.constantFrom('https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT', 'https://x/"y'), { nil: undefined }),
      instrument: fc.option(fc.constantFrom('BTCUSDT', 'ETH-USDT'), { nil: undefined }),
      keepAlive: fc.option(fc.boolean(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(provenance, frameText), { minLength: 1, maxLength: 20 }), (seq) => {
        seq.forEach(([p, text], i) => {
          const f = { source: 'ws' as const, tsCaptureNs: 1_000_000n + BigInt(i), connectionId: p.connectionId, text, ...(p.url !== undefined ? { url: p.url } : {}), ...(p.instrument !== undefined ? { instrument: p.instrument } : {}), ...(p.keepAlive !== undefined ? { keepAlive: p.keepAlive } : {}) };
          expect(rawLine(f, p.venue, p.feed)).toBe(referenceLine(f, p.venue, p.feed));
        });
      }),
      { numRuns: 1000 },
    );
  });
});
