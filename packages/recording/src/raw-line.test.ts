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
