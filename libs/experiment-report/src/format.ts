import { DASH, num } from '@assay/report';

// num, signed, pct and DASH are the comparison report's, so both pages print numbers alike
export { DASH, num, pct, signed } from '@assay/report';

const MINUS = '−';

export const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const minus = (s: string) => (s.startsWith('-') ? MINUS + s.slice(1) : s);

/** A relative change (0.021 = +2.1 %) with its sign; one decimal is what a lift is read to. */
export function lift(x: number | null | undefined): string {
  if (!finite(x)) return DASH;
  const v = Math.round(x * 1000) / 10;
  return `${v > 0 ? '+' : ''}${minus(v.toFixed(1))} %`;
}

/** `[lo, hi]` with each bound formatted by `f`. */
export function interval(ci: readonly [number, number] | null | undefined, f: (x: number) => string = num): string {
  return ci ? `[${f(ci[0])}, ${f(ci[1])}]` : DASH;
}

/** A p-value: "<0.001" below a thousandth, else two significant digits (0.003, 0.042), two decimals above 0.1. */
export function pValue(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  if (p < 0.001) return '<0.001';
  if (p >= 0.1) return p.toFixed(2);
  return String(Number(p.toPrecision(2)));
}

/** An integer count with thousands grouped. */
export function count(x: number | null | undefined): string {
  return finite(x) ? Math.round(x).toLocaleString('en-US') : DASH;
}

/** An ISO timestamp as `YYYY-MM-DD HH:MM UTC`; anything unparsable as it was. */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;
