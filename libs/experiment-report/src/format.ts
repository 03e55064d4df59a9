/** What the report prints where a value does not exist. */
export const DASH = '—';
const MINUS = '−';

export const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const minus = (s: string) => (s.startsWith('-') ? MINUS + s.slice(1) : s);

/** A number to `digits` significant digits; thousands grouped; very small or large ones in e-notation. */
export function num(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-4) return minus(x.toExponential(digits - 1).replace(/\.?0+e/, 'e'));
  if (a >= 10 ** digits) return minus(Math.round(x).toLocaleString('en-US'));
  return minus(String(Number(x.toPrecision(digits))));
}

/** A difference with its sign always shown. */
export function signed(x: number | null | undefined, digits = 3): string {
  const s = num(x, digits);
  return finite(x) && x > 0 ? `+${s}` : s;
}

/** A share (0–1) as a percentage, unsigned: 0.734 → "73.4 %". */
export function pct(x: number | null | undefined, digits = 3): string {
  return finite(x) ? `${num(x * 100, digits)} %` : DASH;
}

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
