/**
 * What text a prompt asks to be rendered. The `expectedText` attribute wins (an empty string means "no
 * text"); otherwise the quoted strings of the prompt, in order, joined by a space: "…", “…”, ‘…’ and '…'.
 * A quote must open at a word boundary (not after a letter or digit) before a non-space, and close after
 * a non-space before a non-word character, so apostrophes ("don't", "kids' toys") are not read as quotes
 * and 'don't panic' is one string. Scare quotes ("a 'vintage' look", "rock 'n' roll") do count; set
 * `expectedText` when a prompt uses them.
 */
const W = '[\\p{L}\\p{N}]';
const QUOTES: [string, string][] = [
  ['"', '"'],
  ['“', '”'],
  ['‘', '’'],
  ["'", "'"],
];
const PATTERNS = QUOTES.map(([open, close]) => new RegExp(`(?<!${W})${open}(?=\\S)(.+?)(?<=\\S)${close}(?!${W})`, 'gsu'));

export const EXPECTED_TEXT_ATTRIBUTE = 'expectedText';

/** Quoted strings in order of appearance; a quote inside another quote is part of the outer string. */
export function quotedStrings(prompt: string): string[] {
  const found: { start: number; end: number; text: string }[] = [];
  for (const re of PATTERNS) {
    for (const m of prompt.matchAll(re)) found.push({ start: m.index, end: m.index + m[0].length, text: m[1] });
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: string[] = [];
  let end = -1;
  for (const q of found) {
    if (q.start < end) continue; // nested in (or overlapping) an earlier quote
    out.push(q.text);
    end = q.end;
  }
  return out;
}

/** The text the asset should show, or null when the prompt asks for none. */
export function expectedText(prompt: string | undefined, attributes: Record<string, string | number | boolean>): string | null {
  const attr = attributes[EXPECTED_TEXT_ATTRIBUTE];
  if (typeof attr === 'string' || typeof attr === 'number') {
    const s = String(attr).trim();
    return s ? s : null;
  }
  const quoted = prompt
    ? quotedStrings(prompt)
        .map((q) => q.trim())
        .filter(Boolean)
    : [];
  return quoted.length ? quoted.join(' ') : null;
}
