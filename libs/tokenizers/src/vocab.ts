/**
 * Vocabulary and merge ranks from `bpe_simple_vocab_16e6.txt.gz`, built as `SimpleTokenizer.__init__`
 * does: 256 byte characters, the same with `</w>`, one token per merge (first 48 894 merges), then
 * `<|startoftext|>` and `<|endoftext|>`.
 */
import { BYTE_CHARS_IN_ORDER } from './bytes-to-unicode.js';

/** 49152 - 256 - 2 merges: the vocabulary CLIP was trained with. */
export const MERGE_COUNT = 49152 - 256 - 2;
export const START_OF_TEXT = '<|startoftext|>';
export const END_OF_TEXT = '<|endoftext|>';

export interface ClipVocab {
  /** id → token string (`vocab` in the reference). */
  tokens: readonly string[];
  /**
   * token → id; like Python's `dict(zip(vocab, range))`, a token listed twice keeps its last id.
   * These ids double as the symbols BPE works on, so equal strings are one symbol.
   */
  encoder: ReadonlyMap<string, number>;
  /** id → token for ids the encoder keeps (Python's `decoder`). */
  decoder: ReadonlyMap<number, string>;
  /** rank of merging (left, right): ranks[leftId].get(rightId); later duplicates win, as in a dict. */
  ranks: ReadonlyArray<ReadonlyMap<number, number> | undefined>;
  /** rank → id of the merged symbol (the canonical id of its string). */
  mergedIds: Int32Array;
  sot: number;
  eot: number;
}

/** Parses the decompressed merges file (its first line is a version header). */
export function buildVocab(mergesText: string): ClipVocab {
  const lines = mergesText.split('\n').slice(1, MERGE_COUNT + 1);
  if (lines.length !== MERGE_COUNT) throw new Error(`CLIP BPE file has ${lines.length} merges, expected ${MERGE_COUNT}`);
  const merges = lines.map((line, i) => {
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1])
      throw new Error(`CLIP BPE merge line ${i + 2} is not two symbols: ${JSON.stringify(line)}`);
    return parts as [string, string];
  });

  const tokens: string[] = [...BYTE_CHARS_IN_ORDER, ...BYTE_CHARS_IN_ORDER.map((c) => c + '</w>')];
  for (const [a, b] of merges) tokens.push(a + b);
  tokens.push(START_OF_TEXT, END_OF_TEXT);

  const encoder = new Map<string, number>();
  tokens.forEach((t, id) => encoder.set(t, id));
  const decoder = new Map<number, string>();
  for (const [t, id] of encoder) decoder.set(id, t);

  const ranks: Map<number, number>[] = [];
  merges.forEach(([a, b], rank) => {
    const left = encoder.get(a);
    const right = encoder.get(b);
    // A merge of a symbol that is no token can never fire (BPE only ever holds tokens).
    if (left === undefined || right === undefined) return;
    (ranks[left] ??= new Map()).set(right, rank);
  });

  const mergedIds = Int32Array.from(merges, ([a, b]) => encoder.get(a + b)!);

  return { tokens, encoder, decoder, ranks, mergedIds, sot: encoder.get(START_OF_TEXT)!, eot: encoder.get(END_OF_TEXT)! };
}
