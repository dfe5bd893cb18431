import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { durablePrefix } from './gzip-members.ts';

const member = fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `${s.replace(/\n/g, ' ')}\n`), { minLength: 1, maxLength: 20 }).map((lines) => lines.join(''));

describe('durablePrefix', () => {
  it('keeps exactly the gzip members that lie wholly before a cut, wherever the file is cut', () => {
    fc.assert(
      fc.property(fc.array(member, { minLength: 1, maxLength: 6 }), fc.nat(), (texts, at) => {
        const members = texts.map((t) => gzipSync(t));
        const file = Buffer.concat(members);
        const cut = at % (file.length + 1);
        let whole = 0;
        let bytes = 0;
        while (whole < members.length && bytes + members[whole]!.length <= cut) bytes += members[whole++]!.length;
        const p = durablePrefix(file.subarray(0, cut));
        expect(p).toEqual({ bytes, members: whole, text: texts.slice(0, whole).join('') });
      }),
      { numRuns: 500 },
    );
  });

  it('stops at a member whose trailer does not match its data (a corrupted CRC)', () => {
    const a = gzipSync('a\n');
    const b = Buffer.from(gzipSync('b\n'));
    b[b.length - 8]! ^= 0xff;
    expect(durablePrefix(Buffer.concat([a, b]))).toEqual({ bytes: a.length, members: 1, text: 'a\n' });
  });

  it('stops at a member that does not end with a whole line', () => {
    const a = gzipSync('a\n');
    expect(durablePrefix(Buffer.concat([a, gzipSync('half a line')]))).toEqual({ bytes: a.length, members: 1, text: 'a\n' });
  });
});
