/**
 * The tiny test models' weights: drawn from a seeded PRNG in a fixed order, so the generator and the
 * TypeScript reference get the same numbers from the same seed, on any machine.
 */

export const TINY = {
  /** image side (CLIP uses 224; 32 keeps the models small) */
  size: 32,
  convChannels: 8,
  dim: 16,
  /** CLIP's vocabulary size and context length, so real token ids fit */
  vocab: 49408,
  context: 77,
  /** the CLIP tokenizer's end-of-text id: the highest id, found with argmax like CLIP does */
  eot: 49407,
} as const;

export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export interface TinyWeights {
  seed: number;
  /** [8, 3, 3, 3], stride 2, padding 1 */
  convW: Float32Array;
  convB: Float32Array;
  /** [16, 8] (Gemm transB) */
  imageProjW: Float32Array;
  imageProjB: Float32Array;
  /** [49408, 16] */
  tokenEmbedding: Float32Array;
  /** [16, 16] (Gemm transB) */
  textProjW: Float32Array;
  textProjB: Float32Array;
  /** [1, 16] (Gemm transB) */
  headW: Float32Array;
  headB: Float32Array;
  /** added to image · text in the reward model */
  rewardBias: Float32Array;
}

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [−bound, bound), rounded to float32 (what the ONNX file stores). */
const uniform = (rand: () => number, n: number, bound: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * bound);

export function tinyWeights(seed = 42): TinyWeights {
  const rand = mulberry32(seed);
  const { convChannels: c, dim: d, vocab } = TINY;
  // fan-in scaled bounds keep every activation around 1
  return {
    seed,
    convW: uniform(rand, c * 3 * 3 * 3, 1 / Math.sqrt(27)),
    convB: uniform(rand, c, 0.1),
    imageProjW: uniform(rand, d * c, 1 / Math.sqrt(c)),
    imageProjB: uniform(rand, d, 0.1),
    tokenEmbedding: uniform(rand, vocab * d, 1),
    textProjW: uniform(rand, d * d, 1 / Math.sqrt(d)),
    textProjB: uniform(rand, d, 0.1),
    headW: uniform(rand, d, 1 / Math.sqrt(d)),
    headB: uniform(rand, 1, 0.1),
    rewardBias: uniform(rand, 1, 0.5),
  };
}
