/** Rounds to hundredths: coordinates small enough to read and diff. */
export const round = (x: number): number => Math.round(x * 100) / 100;

export const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The smallest of 1, 2, 2.5, 5, 10 × 10^k that is at least x. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** A domain widened to round ticks that include both ends and zero when `withZero`, with about `n` intervals. */
export function niceDomain(lo: number, hi: number, n = 4, withZero = true): { lo: number; hi: number; ticks: number[] } {
  if (withZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (!(hi - lo > 1e-12)) {
    const pad = Math.abs(hi) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / n);
  // the tolerance keeps a bound that sits on a tick from growing one more step
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = a; t <= b + step / 2; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return { lo: a, hi: b, ticks };
}

/** A linear map from [d0, d1] to [r0, r1], clamped to the range so an outlier cannot draw outside the plot. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = (r1 - r0) / (d1 - d0 || 1);
  const lo = Math.min(r0, r1);
  const hi = Math.max(r0, r1);
  return (v) => round(Math.max(lo, Math.min(hi, r0 + (v - d0) * k)));
}
