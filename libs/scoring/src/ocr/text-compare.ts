/**
 * Text comparison for OCR checks. Normalization, applied to both sides: Unicode NFKC (full-width forms,
 * ligatures, compatibility characters), lower case, typographic quotes and dashes to ASCII, every run of
 * white space to one space, trimmed. Distances count Unicode code points, not UTF-16 units.
 */
const TYPOGRAPHIC: [RegExp, string][] = [
  [/[‘’‚‛′]/g, "'"],
  [/[“”„‟″]/g, '"'],
  [/[‐‑‒–—―−]/g, '-'],
];

export function normalizeText(s: string): string {
  let t = s.normalize('NFKC').toLowerCase();
  for (const [re, to] of TYPOGRAPHIC) t = t.replace(re, to);
  return t.replace(/\s+/gu, ' ').trim();
}

/** Levenshtein distance over code points (insertions, deletions, substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/**
 * Character error rate of `got` against `want`, both normalized: edit distance over the length of `want`
 * (in [0, ∞): extra text can push it above 1). An empty `want` gives 0 for an empty `got`, else 1 per character.
 */
export function characterErrorRate(got: string, want: string): number {
  const g = normalizeText(got);
  const w = normalizeText(want);
  return editDistance(g, w) / Math.max(1, [...w].length);
}

/**
 * Fewest edits turning `needle` into some substring of `haystack` (Sellers' approximate substring
 * matching): 0 when `needle` occurs in `haystack` verbatim.
 */
export function substringDistance(needle: string, haystack: string): number {
  const x = [...needle];
  const y = [...haystack];
  let prev = new Array<number>(y.length + 1).fill(0); // a match may start anywhere in the haystack
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.min(...prev);
}
