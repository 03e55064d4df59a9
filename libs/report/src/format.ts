import type { Interval } from '@assay/contracts';

/** What the report prints where a value does not exist. */
export const DASH = '—';
const MINUS = '−';

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const sign = (s: string) => (s.startsWith('-') ? MINUS + s.slice(1) : s);

/** A number to `digits` significant digits; thousands grouped; very small or large ones in e-notation. */
export function num(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-4) return sign(x.toExponential(digits - 1).replace(/\.?0+e/, 'e'));
  if (a >= 10 ** digits) return sign(Math.round(x).toLocaleString('en-US'));
  return sign(String(Number(x.toPrecision(digits))));
}

/** A difference with its sign always shown. */
export function signed(x: number | null | undefined, digits = 3): string {
  const s = num(x, digits);
  return finite(x) && x > 0 ? `+${s}` : s;
}

/** A share (0–1) as a percentage. */
export function pct(x: number | null | undefined, digits = 3): string {
  return finite(x) ? `${num(x * 100, digits)} %` : DASH;
}

/** A difference of shares in percentage points, signed. */
export function pp(x: number | null | undefined, digits = 3): string {
  return finite(x) ? `${signed(x * 100, digits)} pp` : DASH;
}

/** A confidence level (0.95 → "95 %", 0.9875 → "98.75 %"). */
export function level(x: number | null | undefined): string {
  return finite(x) ? `${num(x * 100, 6)} %` : DASH;
}

/** `[lo, hi]` with each bound formatted by `f`; a bound that does not exist prints as a dash. */
export function interval(ci: Interval | null | undefined, f: (x: number | null) => string = num): string {
  if (!ci) return DASH;
  return `[${f(ci[0])}, ${f(ci[1])}]`;
}

/** A p-value: two significant digits, small ones as "< 0.0001". */
export function pValue(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  if (p < 1e-4) return '< 0.0001';
  if (p >= 0.1) return p.toFixed(2);
  return String(Number(p.toPrecision(2)));
}

/** An integer count with thousands grouped. */
export function count(x: number | null | undefined): string {
  return finite(x) ? Math.round(x).toLocaleString('en-US') : DASH;
}

/** An ISO timestamp as `YYYY-MM-DD HH:MM:SS UTC`; anything unparsable as it was. */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
