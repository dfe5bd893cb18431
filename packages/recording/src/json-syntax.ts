/**
 * Whether a frame's text can be spliced verbatim into a raw line: exactly one JSON value
 * (RFC 8259 grammar, as JSON.parse accepts it), with no raw line feed anywhere (one line) and
 * no unpaired surrogate (writable as UTF-8). JSON.parse builds the whole value only to throw it
 * away; this is one pass over the UTF-16 code units as a flat state machine: no allocation (the
 * open brackets live in a reused byte array, not a JS array), no out-of-range charCodeAt (its NaN
 * would de-optimise the loop), the common string character tested first. On the real USD-M
 * frames (274 chars on average) it costs about twice a bare charCodeAt loop over the same text.
 * Verified against JSON.parse by property tests (json-syntax.test.ts).
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

/** What the scanner expects next. */
const VALUE = 0;
/** Just after `[`: a value or `]`. */
const VALUE_OR_CLOSE = 1;
/** Just after `{`: a key or `}`. */
const KEY_OR_CLOSE = 2;
/** After `,` in an object: `"key" :`, then a value. */
const KEY = 3;
/** After a value: `,`, the closing bracket of the innermost container, or the end. */
const AFTER = 4;

/** Open containers, innermost last: 1 = object, 0 = array. Grown (never shrunk) for deep nesting. */
let open = new Uint8Array(256);

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Index after the string whose opening quote is s[i]; -1 if it is not a valid, well-formed one. */
function stringEnd(s: string, i: number, n: number): number {
  i++;
  while (i < n) {
    const c = s.charCodeAt(i++);
    // The common case first: printable, not a quote, backslash or surrogate.
    if (c > QUOTE && c !== BACKSLASH && c < 0xd800) continue;
    if (c === QUOTE) return i;
    if (c === 0x20 || c === 0x21) continue;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      if (i >= n) return -1;
      const e = s.charCodeAt(i++);
      if (e === 0x75) {
        // \uXXXX: escaped surrogates are text, not code units, so they need no pairing check
        if (i + 4 > n || !(isHex(s.charCodeAt(i)) && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)) && isHex(s.charCodeAt(i + 3)))) return -1;
        i += 4;
      } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) return -1;
    } else if (c <= 0xdbff) {
      if (i >= n) return -1;
      const d = s.charCodeAt(i++);
      if (d < 0xdc00 || d > 0xdfff) return -1;
    } else if (c <= 0xdfff) return -1;
  }
  return -1;
}

/** Index after the digits from s[i] (i itself when there are none). */
function digitsEnd(s: string, i: number, n: number): number {
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** Index after the number at s[i]: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?; -1 if none. */
function numberEnd(s: string, i: number, n: number): number {
  if (s.charCodeAt(i) === 0x2d) i++;
  if (i >= n) return -1;
  const first = s.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first > 0x30 && first <= 0x39) i = digitsEnd(s, i + 1, n);
  else return -1;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    const from = i + 1;
    if ((i = digitsEnd(s, from, n)) === from) return -1;
  }
  if (i < n) {
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      if (i < n) {
        const sign = s.charCodeAt(i);
        if (sign === 0x2b || sign === 0x2d) i++;
      }
      const from = i;
      if ((i = digitsEnd(s, from, n)) === from) return -1;
    }
  }
  return i;
}

/** Index after the literal `word` if it is at s[i], else -1. */
function literalEnd(s: string, i: number, word: string): number {
  return s.startsWith(word, i) ? i + word.length : -1;
}

export function isSpliceableJson(s: string): boolean {
  const n = s.length;
  let depth = 0;
  let state = VALUE;
  let i = 0;
  while (true) {
    // Insignificant whitespace; a raw line feed anywhere makes the text unspliceable.
    let c = -1;
    while (i < n) {
      c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
      i++;
    }
    if (i >= n) return state === AFTER && depth === 0;
    if (c === LF) return false;
    if (state === AFTER) {
      if (depth === 0) return false; // something after the one value
      const inObject = open[depth - 1] === 1;
      if (c === 0x2c) {
        state = inObject ? KEY : VALUE;
        i++;
      } else if (c === (inObject ? 0x7d : 0x5d)) {
        depth--;
        i++;
      } else return false;
      continue;
    }
    if (state === VALUE_OR_CLOSE && c === 0x5d) {
      depth--;
      state = AFTER;
      i++;
      continue;
    }
    if (state === KEY_OR_CLOSE && c === 0x7d) {
      depth--;
      state = AFTER;
      i++;
      continue;
    }
    if (state === KEY || state === KEY_OR_CLOSE) {
      if (c !== QUOTE || (i = stringEnd(s, i, n)) < 0) return false;
      while (i < n && ((c = s.charCodeAt(i)) === 0x20 || c === 0x09 || c === 0x0d)) i++;
      if (i >= n || s.charCodeAt(i) !== 0x3a) return false;
      i++;
      state = VALUE;
      continue;
    }
    // A value starts at i.
    if (c === 0x7b || c === 0x5b) {
      if (depth === open.length) {
        const grown = new Uint8Array(open.length * 2);
        grown.set(open);
        open = grown;
      }
      open[depth++] = c === 0x7b ? 1 : 0;
      state = c === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      i++;
      continue;
    }
    if (c === QUOTE) i = stringEnd(s, i, n);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = numberEnd(s, i, n);
    else if (c === 0x74) i = literalEnd(s, i, 'true');
    else if (c === 0x66) i = literalEnd(s, i, 'false');
    else if (c === 0x6e) i = literalEnd(s, i, 'null');
    else return false;
    if (i < 0) return false;
    state = AFTER;
  }
}
