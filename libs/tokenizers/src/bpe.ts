/**
 * `SimpleTokenizer.bpe` on ids instead of strings: a piece's UTF-8 bytes start as byte symbols (the
 * last with `</w>`), then the adjacent pair of lowest merge rank is merged everywhere, left to right,
 * until no pair has a rank. Symbols are canonical token ids, so comparing ids is comparing strings.
 */
import { BYTE_ENCODER } from './bytes-to-unicode.js';
import type { ClipVocab } from './vocab.js';

export class BytePairEncoder {
  private readonly byteIds: Int32Array;
  private readonly byteEndIds: Int32Array;

  constructor(private readonly vocab: ClipVocab) {
    this.byteIds = Int32Array.from(BYTE_ENCODER, (c) => vocab.encoder.get(c)!);
    this.byteEndIds = Int32Array.from(BYTE_ENCODER, (c) => vocab.encoder.get(c + '</w>')!);
  }

  /** Token ids of one pre-tokenized piece given as its UTF-8 bytes. */
  encodeBytes(bytes: ArrayLike<number>): number[] {
    const n = bytes.length;
    let word: number[] = new Array<number>(n);
    for (let i = 0; i < n - 1; i++) word[i] = this.byteIds[bytes[i]];
    word[n - 1] = this.byteEndIds[bytes[n - 1]];
    const { ranks, mergedIds } = this.vocab;
    while (word.length > 1) {
      let best = Infinity;
      let first = -1;
      let second = -1;
      for (let i = 0; i < word.length - 1; i++) {
        const r = ranks[word[i]]?.get(word[i + 1]);
        if (r !== undefined && r < best) {
          best = r;
          first = word[i];
          second = word[i + 1];
        }
      }
      if (best === Infinity) break;
      const merged = mergedIds[best];
      const next: number[] = [];
      for (let i = 0; i < word.length;) {
        if (word[i] === first && i < word.length - 1 && word[i + 1] === second) {
          next.push(merged);
          i += 2;
        } else {
          next.push(word[i]);
          i += 1;
        }
      }
      word = next;
    }
    return word;
  }
}
