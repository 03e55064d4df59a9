/**
 * PaddleOCR's `CTCLabelDecode` (greedy): the character list is the dictionary file's lines after a blank at
 * index 0, with a space appended (`use_space_char`); take the best class per time step, drop blanks and
 * repeats of the previous step, and report the mean probability of the kept steps (0 when none is kept).
 */
import { readFileSync } from 'node:fs';

const dictionaries = new Map<string, string[]>();

/** ['blank', …lines of the file, ' '], read once per path. */
export function loadCharacters(path: string): string[] {
  let chars = dictionaries.get(path);
  if (!chars) {
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    if (lines.at(-1) === '') lines.pop(); // a trailing newline is not a character
    chars = ['blank', ...lines, ' '];
    dictionaries.set(path, chars);
  }
  return chars;
}

export interface Decoded {
  text: string;
  confidence: number;
}

/** Decodes sample `index` of a [N, T, C] probability tensor. */
export function ctcGreedyDecode(prob: Float32Array, index: number, steps: number, classes: number, chars: string[]): Decoded {
  let text = '';
  let sum = 0;
  let kept = 0;
  let prev = -1;
  const base = index * steps * classes;
  for (let t = 0; t < steps; t++) {
    const row = base + t * classes;
    let best = 0;
    let bestP = prob[row];
    for (let c = 1; c < classes; c++) {
      if (prob[row + c] > bestP) {
        bestP = prob[row + c];
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += chars[best];
      sum += bestP;
      kept++;
    }
    prev = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}
