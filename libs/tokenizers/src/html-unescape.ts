/**
 * A port of CPython's `html.unescape` (Lib/html/__init__.py, 3.11), which CLIP applies twice to every
 * prompt. Python's rules differ from a spec-conformant HTML decoder (e.g. the `entities` package) in
 * ways that change tokens, so they are copied rather than approximated:
 * - a named reference is `&` + up to 32 characters other than `\t \n \f space < & # ;`, optionally
 *   `;`; if the whole name is not in the table, the longest known prefix (≥ 2 characters) is decoded
 *   and the rest kept (`&notit;` → `¬it;`, `&ampfoo` → `&foo`), wherever it occurs;
 * - numeric references decode C1 numbers as Windows-1252 (`&#x92;` → `’`), give U+FFFD for 0,
 *   surrogates and anything above U+10FFFF, and *delete* control characters and noncharacters
 *   (`&#1;` → ``), where the HTML spec would keep them.
 */
import { HTML5_ENTITY_PAIRS } from './html5-entities.js';

/** name (with or without `;`) → replacement; a Map so names like `constructor` cannot hit Object.prototype. */
export const HTML5_ENTITIES: ReadonlyMap<string, string> = new Map(HTML5_ENTITY_PAIRS);

/** Windows-1252 for the C1 range, plus NUL and CR (Python's `_invalid_charrefs`). */
export const INVALID_CHARREFS: ReadonlyMap<number, string> = new Map<number, string>([
  [0x00, '\ufffd'],
  [0x0d, '\r'],
  [0x80, '\u20ac'],
  [0x81, '\x81'],
  [0x82, '\u201a'],
  [0x83, '\u0192'],
  [0x84, '\u201e'],
  [0x85, '\u2026'],
  [0x86, '\u2020'],
  [0x87, '\u2021'],
  [0x88, '\u02c6'],
  [0x89, '\u2030'],
  [0x8a, '\u0160'],
  [0x8b, '\u2039'],
  [0x8c, '\u0152'],
  [0x8d, '\x8d'],
  [0x8e, '\u017d'],
  [0x8f, '\x8f'],
  [0x90, '\x90'],
  [0x91, '\u2018'],
  [0x92, '\u2019'],
  [0x93, '\u201c'],
  [0x94, '\u201d'],
  [0x95, '\u2022'],
  [0x96, '\u2013'],
  [0x97, '\u2014'],
  [0x98, '\u02dc'],
  [0x99, '\u2122'],
  [0x9a, '\u0161'],
  [0x9b, '\u203a'],
  [0x9c, '\u0153'],
  [0x9d, '\x9d'],
  [0x9e, '\u017e'],
  [0x9f, '\u0178'],
]);

/** Python's `_invalid_codepoints`: decoded to nothing. */
function isInvalidCodepoint(n: number): boolean {
  return (
    (n >= 0x1 && n <= 0x8) ||
    n === 0xb ||
    (n >= 0xe && n <= 0x1f) ||
    (n >= 0x7f && n <= 0x9f) ||
    (n >= 0xfdd0 && n <= 0xfdef) ||
    (n & 0xfffe) === 0xfffe // U+xFFFE / U+xFFFF of every plane
  );
}

// `u` so that {1,32} counts code points, as Python's str does.
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

function numericRef(digits: string, radix: 10 | 16): string {
  const trimmed = digits.replace(/^0+/, '');
  // More than 7 significant digits is above U+10FFFF in either radix; parseInt would lose precision.
  // (CPython raises ValueError past 4300 decimal digits; we return U+FFFD like any other huge number.)
  if (trimmed.length > 7) return '\ufffd';
  const num = trimmed === '' ? 0 : parseInt(trimmed, radix);
  const invalid = INVALID_CHARREFS.get(num);
  if (invalid !== undefined) return invalid;
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  if (isInvalidCodepoint(num)) return '';
  return String.fromCodePoint(num);
}

function replaceCharref(_match: string, s: string): string {
  if (s[0] === '#') {
    const hex = s[1] === 'x' || s[1] === 'X';
    const body = s.slice(hex ? 2 : 1).replace(/;+$/, '');
    return numericRef(body, hex ? 16 : 10);
  }
  const whole = HTML5_ENTITIES.get(s);
  if (whole !== undefined) return whole;
  // Longest known prefix. Names are ASCII, so slicing by UTF-16 units finds the same prefixes as
  // Python's code-point slices (a prefix ending inside a surrogate pair is never a name).
  for (let x = s.length - 1; x > 1; x--) {
    const hit = HTML5_ENTITIES.get(s.slice(0, x));
    if (hit !== undefined) return hit + s.slice(x);
  }
  return '&' + s;
}

/** `html.unescape(s)` exactly as CPython 3.11 computes it (see the file comment). */
export function htmlUnescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(CHARREF, replaceCharref);
}
