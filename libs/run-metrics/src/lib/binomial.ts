import type { Rng } from '@assay/stats';

/**
 * An exact Binomial(n, p) draw in O(log n) Beta draws (Devroye 1986, X.4: the count of uniforms below p,
 * found by splitting at the order statistic U(k) ~ Beta(k, n + 1 − k)), small n by counting uniforms.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  let count = 0;
  while (n > 0 && p > 0 && p < 1) {
    if (n <= 16) {
      for (let i = 0; i < n; i++) if (rng.nextFloat() < p) count++;
      return count;
    }
    const k = (n + 1) >> 1;
    const u = rng.beta(k, n + 1 - k);
    if (u < p) {
      // the k smallest are below p; the other n − k are uniforms on (u, 1)
      count += k;
      n -= k;
      p = (p - u) / (1 - u);
    } else {
      // the k − 1 below U(k) are uniforms on (0, u)
      n = k - 1;
      p = p / u;
    }
  }
  return p >= 1 ? count + n : count;
}
