/** Mean and unbiased (n − 1) variance, two-pass: the second pass on deviations avoids the cancellation of Σx² − n·x̄². */
export function meanAndVariance(x: ArrayLike<number>): [number, number] {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    ss += d * d;
    c += d;
  }
  // the corrected two-pass formula (Chan, Golub & LeVeque 1983) removes the rounding left in m
  return [m, (ss - (c * c) / n) / (n - 1)];
}
