/** Horner evaluation of c[0]·x^N + … + c[N] (Cephes `polevl`). */
export function polevl(x: number, c: readonly number[]): number {
  let y = c[0];
  for (let i = 1; i < c.length; i++) y = y * x + c[i];
  return y;
}

/** Horner evaluation of x^N + c[0]·x^(N−1) + … + c[N−1]: a leading coefficient of 1 left implicit (Cephes `p1evl`). */
export function p1evl(x: number, c: readonly number[]): number {
  let y = x + c[0];
  for (let i = 1; i < c.length; i++) y = y * x + c[i];
  return y;
}
