/**
 * A seeded, reproducible random source: xoshiro128** (Blackman & Vigna 2018, https://prng.di.unimi.it/) on
 * 32-bit words, which JavaScript multiplies exactly with Math.imul, seeded through splitmix32 so that nearby
 * seeds give unrelated streams. Doubles take 53 random bits from two outputs.
 */
import { StatsInputError } from './errors.js';

export interface Rng {
  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Uniform integer in [0, n), exactly uniform (rejection sampling), for integer n ≥ 1. */
  nextInt(n: number): number;
  /** Standard normal (Marsaglia polar method). */
  normal(): number;
  /** Gamma(shape, 1) for shape > 0 (Marsaglia & Tsang 2000, ACM TOMS 26:363). */
  gamma(shape: number): number;
  /** Beta(a, b) as X/(X + Y) of two gamma draws: O(1) for any a, b, including a, b in the tens of thousands. */
  beta(a: number, b: number): number;
}

const TWO32 = 4294967296;
const INV_TWO32 = 1 / TWO32;

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new StatsInputError('invalid_argument', `seed must be a safe integer, got ${seed}`);
  // both halves of the seed feed the state, so seeds beyond 2^32 differ too
  let sm = (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO32) | 0, 0x27d4eb2d);
  let s0: number, s1: number, s2: number, s3: number;
  [sm, s0] = splitmix32(sm);
  [sm, s1] = splitmix32(sm);
  [sm, s2] = splitmix32(sm);
  [sm, s3] = splitmix32(sm);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  // the state lives in closure locals (int32 values), which V8 keeps in registers far better than a typed array
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const nextFloat = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;

  const nextInt = (n: number): number => {
    if (!(Number.isSafeInteger(n) && n >= 1)) throw new StatsInputError('invalid_argument', `nextInt needs an integer n ≥ 1, got ${n}`);
    if (n > 2097152) return nextIntLarge(n);
    // Lemire 2019 (ACM TOMS 29:3, "Fast random integer generation in an interval"): x·n < 2^53 is exact for
    // n ≤ 2^21, its high 32 bits are the draw, and rejecting low parts below 2^32 mod n makes it exactly uniform
    let m = next32() * n;
    let high = Math.floor(m * INV_TWO32);
    let low = m - high * TWO32;
    if (low < n) {
      const threshold = (TWO32 - n) % n;
      while (low < threshold) {
        m = next32() * n;
        high = Math.floor(m * INV_TWO32);
        low = m - high * TWO32;
      }
    }
    return high;
  };

  /** n > 2^21: rejection on 32 bits, or on a 53-bit float draw beyond 2^32 (bias ≤ n/2^53, far below any use here). */
  const nextIntLarge = (n: number): number => {
    if (n > TWO32) return Math.floor(nextFloat() * n);
    const limit = TWO32 - (TWO32 % n);
    let x = next32();
    while (x >= limit) x = next32();
    return x % n;
  };

  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    let u: number, v: number, q: number;
    do {
      u = 2 * nextFloat() - 1;
      v = 2 * nextFloat() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * f;
    return u * f;
  };

  const gamma = (shape: number): number => {
    if (!(shape > 0 && Number.isFinite(shape))) throw new StatsInputError('invalid_argument', `gamma shape must be positive, got ${shape}`);
    // shape < 1: Gamma(shape) = Gamma(shape + 1)·U^(1/shape) (Marsaglia & Tsang, section 6)
    if (shape < 1) return gamma(shape + 1) * Math.pow(1 - nextFloat(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = 1 - nextFloat();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  const beta = (a: number, b: number): number => {
    const x = gamma(a);
    const y = gamma(b);
    // both can underflow to 0 only for tiny shapes; then the draw sits at 0 or 1 with odds a : b
    if (x + y === 0) return nextFloat() * (a + b) < a ? 1 : 0;
    return x / (x + y);
  };

  return { nextFloat, nextInt, normal, gamma, beta };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
