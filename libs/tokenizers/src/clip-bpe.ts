/**
 * CLIP's BPE tokenizer (openai/CLIP `clip/simple_tokenizer.py` + `clip.tokenize(..., truncate=True)`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { BYTE_DECODER } from './bytes-to-unicode.js';
import { BytePairEncoder } from './bpe.js';
import { cleanText } from './clean.js';
import { pretokenize } from './pretokenize.js';
import { END_OF_TEXT, START_OF_TEXT, buildVocab, type ClipVocab } from './vocab.js';

export const CLIP_CONTEXT_LENGTH = 77;

export interface TokenizeOptions {
  /** Sequence length including start and end tokens (CLIP: 77). */
  contextLength?: number;
}

export interface TokenizedPrompt {
  /** `[sot, ...ids, eot]`, zero-padded to the context length; when truncated the last id is eot. */
  ids: Int32Array;
  /** Tokens before padding, start and end included (≤ context length). */
  length: number;
  /** The prompt did not fit and was cut, as `clip.tokenize(..., truncate=True)` does. */
  truncated: boolean;
}

export interface TokenizedBatch {
  /** Row-major [texts.length, contextLength]. */
  ids: Int32Array;
  dims: [number, number];
  lengths: Int32Array;
  truncated: boolean[];
}

/** Bound on memoised pieces; CLIP's own cache is unbounded, which a long-running service cannot afford. */
const PIECE_CACHE_LIMIT = 100_000;
const utf8 = new TextEncoder();
const utf8Lossy = new TextDecoder('utf-8', { fatal: false });

const loaded = new Map<string, Promise<ClipBpeTokenizer>>();

export class ClipBpeTokenizer {
  readonly sot: number;
  readonly eot: number;
  private readonly bpe: BytePairEncoder;
  private cache = new Map<string, readonly number[]>();

  private constructor(private readonly vocab: ClipVocab) {
    this.sot = vocab.sot;
    this.eot = vocab.eot;
    this.bpe = new BytePairEncoder(vocab);
    this.seedCache();
  }

  /** Reads and parses a `bpe_simple_vocab_16e6.txt.gz` once per resolved path. */
  static load(vocabGzPath: string): Promise<ClipBpeTokenizer> {
    const key = resolve(vocabGzPath);
    let t = loaded.get(key);
    if (!t) {
      t = readFile(key)
        .then((gz) => promisify(gunzip)(gz))
        .then((raw) => ClipBpeTokenizer.fromMergesText(raw.toString('utf8')));
      t.catch(() => loaded.delete(key)); // a failed load is retried next time
      loaded.set(key, t);
    }
    return t;
  }

  static fromGzip(gz: Uint8Array): ClipBpeTokenizer {
    return ClipBpeTokenizer.fromMergesText(gunzipSync(gz).toString('utf8'));
  }

  static fromMergesText(text: string): ClipBpeTokenizer {
    return new ClipBpeTokenizer(buildVocab(text));
  }

  get vocabSize(): number {
    return this.vocab.tokens.length;
  }

  /** The cleaned, lower-cased text that is pre-tokenized (see clean.ts). */
  clean(text: string): string {
    return cleanText(text);
  }

  /** `SimpleTokenizer.encode`: ids without start/end tokens. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of pretokenize(cleanText(text))) {
      for (const id of this.encodePiece(piece)) ids.push(id);
    }
    return ids;
  }

  /** `clip.tokenize([text], context_length, truncate=True)[0]`, plus the length and a truncation flag. */
  tokenize(text: string, options: TokenizeOptions = {}): TokenizedPrompt {
    const contextLength = checkContextLength(options.contextLength);
    const ids = new Int32Array(contextLength);
    const r = this.fill(text, ids, 0, contextLength);
    return { ids, ...r };
  }

  /** Many prompts into one [n, contextLength] buffer, ready for an ONNX int32 input (see toInt64). */
  tokenizeBatch(texts: readonly string[], options: TokenizeOptions = {}): TokenizedBatch {
    const contextLength = checkContextLength(options.contextLength);
    const ids = new Int32Array(texts.length * contextLength);
    const lengths = new Int32Array(texts.length);
    const truncated: boolean[] = [];
    texts.forEach((text, i) => {
      const r = this.fill(text, ids, i * contextLength, contextLength);
      lengths[i] = r.length;
      truncated.push(r.truncated);
    });
    return { ids, dims: [texts.length, contextLength], lengths, truncated };
  }

  /** `SimpleTokenizer.decode`: tokens joined, bytes decoded (invalid UTF-8 → U+FFFD), `</w>` → space. */
  decode(ids: Iterable<number>): string {
    const bytes: number[] = [];
    for (const id of ids) {
      const token = this.vocab.decoder.get(id);
      if (token === undefined) throw new RangeError(`token id ${id} is not in the CLIP vocabulary`);
      for (const ch of token) bytes.push(BYTE_DECODER.get(ch)!);
    }
    return utf8Lossy.decode(Uint8Array.from(bytes)).replaceAll('</w>', ' ');
  }

  private fill(text: string, out: Int32Array, offset: number, contextLength: number): { length: number; truncated: boolean } {
    const body = this.encode(text);
    const total = body.length + 2;
    const truncated = total > contextLength;
    const length = truncated ? contextLength : total;
    out[offset] = this.sot;
    const n = length - 2;
    for (let i = 0; i < n; i++) out[offset + 1 + i] = body[i];
    out[offset + length - 1] = this.eot; // after a cut, eot replaces the last kept token
    return { length, truncated };
  }

  private encodePiece(piece: string): readonly number[] {
    let ids = this.cache.get(piece);
    if (ids === undefined) {
      ids = this.bpe.encodeBytes(utf8.encode(piece));
      if (this.cache.size >= PIECE_CACHE_LIMIT) this.seedCache();
      this.cache.set(piece, ids);
    }
    return ids;
  }

  /** Start and end markers typed into a prompt map straight to their ids, as in the reference cache. */
  private seedCache(): void {
    this.cache = new Map([
      [START_OF_TEXT, [this.sot]],
      [END_OF_TEXT, [this.eot]],
    ]);
  }
}

function checkContextLength(n: number | undefined): number {
  const contextLength = n ?? CLIP_CONTEXT_LENGTH;
  if (!Number.isInteger(contextLength) || contextLength < 2) throw new RangeError(`contextLength must be an integer ≥ 2, got ${n}`);
  return contextLength;
}

/** Widens ids for ONNX models whose token input is int64 (most CLIP exports). */
export function toInt64(ids: Int32Array): BigInt64Array {
  const out = new BigInt64Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = BigInt(ids[i]);
  return out;
}

/** 1 for real tokens, 0 for padding, for models that also take an attention mask. */
export function attentionMask(length: number, contextLength: number): Int32Array {
  const mask = new Int32Array(contextLength);
  mask.fill(1, 0, Math.min(length, contextLength));
  return mask;
}
