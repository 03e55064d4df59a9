/** Sample moments (ddof = 1), two-pass, the second pass corrected for the rounding left in the mean (Chan, Golub & LeVeque 1983). */

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

export function variance(x: ArrayLike<number>, m = mean(x)): number {
  let ss = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    ss += d * d;
    c += d;
  }
  return (ss - (c * c) / x.length) / (x.length - 1);
}
