import { normalIsf, normalSf, wilsonInterval } from '@assay/stats';

/**
 * @assay/stats' Wilson interval for a count that may be a half (a tie scored as half a success). Wilson's
 * interval depends on x and n only through x/n and z²/n, so (x, n, z) gives the same interval as the integer
 * counts (2x, 2n) at z' = √2·z, i.e. at the level α' = 2·Φ̄(√2·z).
 */
export function halfCountWilson(successes: number, n: number, confidence: number): [number, number] {
  const z = normalIsf((1 - confidence) / 2);
  return wilsonInterval(Math.round(2 * successes), 2 * n, 2 * normalSf(Math.SQRT2 * z));
}
