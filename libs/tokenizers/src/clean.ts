/**
 * CLIP's text cleaning (`simple_tokenizer.py`): `whitespace_clean(basic_clean(text)).lower()` with
 * basic_clean = ftfy.fix_text → html.unescape ×2 → strip, and whitespace_clean = `\s+` → ' ' → strip.
 * Python's notions of whitespace are spelled out, since JS `\s` and `trim()` use a different set.
 */
import { fixText } from './fix-text.js';
import { htmlUnescape } from './html-unescape.js';

/** `regex`'s `\s` on str patterns: the Unicode White_Space property (JS `\s` adds U+FEFF, drops U+0085). */
export const PY_REGEX_WHITESPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** `str.isspace()` / `str.strip()`: White_Space plus the separators U+001C..U+001F. */
const PY_STRIP_CLASS = PY_REGEX_WHITESPACE + '\\x1c-\\x1f';

const STRIP_CHAR_RE = new RegExp(`[${PY_STRIP_CLASS}]`);
const WHITESPACE_RUN_RE = new RegExp(`[${PY_REGEX_WHITESPACE}]+`, 'g');

/** Python `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  // A loop, not /[…]+$/, which backtracks quadratically over long inner whitespace runs.
  let start = 0;
  let end = s.length;
  while (start < end && STRIP_CHAR_RE.test(s[start])) start++;
  while (end > start && STRIP_CHAR_RE.test(s[end - 1])) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** `basic_clean`: the ftfy stand-in (see fix-text.ts), then `html.unescape` twice, then strip. */
export function basicClean(text: string): string {
  return pyStrip(htmlUnescape(htmlUnescape(fixText(text))));
}

/** `whitespace_clean`: every White_Space run → one space, then strip. */
export function whitespaceClean(text: string): string {
  return pyStrip(text.replace(WHITESPACE_RUN_RE, ' '));
}

/**
 * The text the BPE sees. Lower-casing is JS `toLowerCase()`: the same full mappings as Python's
 * `str.lower()` (`İ` → `i̇`, context-sensitive final sigma), differing only on code points whose case
 * pair is newer than the Python build's Unicode tables (see the package README).
 */
export function cleanText(text: string): string {
  return whitespaceClean(basicClean(text)).toLowerCase();
}
