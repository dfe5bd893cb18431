import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSpliceableJson } from './json-syntax.ts';
import { usdmLines } from './recording-fixtures.ts';

/** The specification, from the standard parser: JSON.parse accepts it, no raw line feed, valid UTF-16. */
function oracle(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  return !text.includes('\n') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const jsonish = fc.constantFrom(...'{}[]",:0123456789-+.eEtrufalsn \t\r\n\\/bu'.split(''), 'true', 'false', 'null', '\\u00e9', '\\ud83d', '\ud83d\ude80', '\ud800', '1e5', '-0.5');

/** A JSON text with one edit: a character inserted, deleted or replaced somewhere. */
const mutatedJson = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.oneof(jsonish, anyUnit)).map(([j, at, op, ch]) => {
  const i = at % (j.length + 1);
  if (op === 'insert') return j.slice(0, i) + ch + j.slice(i);
  if (op === 'delete') return j.slice(0, i) + j.slice(i + 1);
  return j.slice(0, i) + ch + j.slice(i + 1);
});

describe('isSpliceableJson', () => {
  it('agrees with JSON.parse on JSON texts and on their one-character edits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.json().map((j) => ` \t${j}\r `), mutatedJson), (text) => {
        expect(isSpliceableJson(text)).toBe(oracle(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with JSON.parse on strings of JSON-ish tokens', () => {
    fc.assert(
      fc.property(fc.array(jsonish, { maxLength: 12 }).map((a) => a.join('')), (text) => {
        expect(isSpliceableJson(text)).toBe(oracle(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['0', true], ['-0', true], ['01', false], ['1.', false], ['.5', false], ['1e', false], ['1E+2', true], ['-', false], ['+1', false],
    ['"\\x"', false], ['"\\u12"', false], ['"\\u12aF"', true], ['"\t"', false], ['[1,]', false], ['{"a":1,}', false], ['{"a" 1}', false],
    ['{1:2}', false], ['[]', true], ['{}', true], ['[[[]]]', true], ['[[]', false], ['nul', false], ['truex', false], ['1 2', false],
    ['', false], ['  ', false], ['\uFEFF1', false], ['{"a":1}\n', false], ['{"a":\n1}', false], ['"\ud83d\ude80"', true], ['"\ude80"', false],
  ])('decides %j as %s', (text, expected) => {
    expect(isSpliceableJson(text)).toBe(expected);
    expect(oracle(text)).toBe(expected);
  });

  it('accepts every real Binance USD-M frame, and survives 100,000 levels of nesting', () => {
    expect(usdmLines().every((l) => isSpliceableJson(l.slice(l.indexOf(' ') + 1)))).toBe(true);
    expect(isSpliceableJson('['.repeat(100_000) + ']'.repeat(100_000))).toBe(true);
  });
});
