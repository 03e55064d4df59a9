/**
 * CLIP's pre-tokenizer, `regex` module pattern compiled with IGNORECASE:
 *   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
 * The text is already lower-cased, so IGNORECASE only still matters in two places, both found by
 * running the pattern over every code point with Python's `regex` (2022.10.31 and 2026.5.9 agree):
 * - `ſ` (U+017F) folds to `s`, so `'ſ` is a contraction and `<|ſtartoftext|>` one piece: `[sſ]`;
 * - U+0345 (combining ypogegrammeni, folds to `ι`) is excluded from `[^\s\p{L}\p{N}]` yet not a
 *   letter, so no alternative matches it and findall drops it; hence `\u0345` in the negated class.
 * The `i` flag itself is not used: in JS it would make U+0345 a letter instead.
 * `\s` is spelled out as Python's White_Space set. Digits are one token each.
 */
import { PY_REGEX_WHITESPACE } from './clean.js';

export const PRETOKENIZE_RE = new RegExp(
  `<\\|[sſ]tartoftext\\|>|<\\|endoftext\\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${PY_REGEX_WHITESPACE}\\p{L}\\p{N}\\u0345]+`,
  'gu',
);

/** The pieces `re.findall(pat, text)` returns. */
export function pretokenize(text: string): string[] {
  return text.match(PRETOKENIZE_RE) ?? [];
}
