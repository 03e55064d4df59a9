import cronParser from 'cron-parser';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `45m`, `6h`, `1d` in milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function isCron(expr: string): boolean {
  try {
    cronParser.parseExpression(expr);
    return true;
  } catch {
    return false;
  }
}

/** The next time `cron` fires after `from`, read in `timezone` (as BullMQ's job scheduler reads it). */
export function nextRunAt(cron: string, timezone: string, from: Date): Date {
  return cronParser.parseExpression(cron, { tz: timezone, currentDate: from }).next().toDate();
}

/** The calendar date (YYYY-MM-DD) of `at` in `timezone`, moved by `offsetDays`. */
export function dateIn(at: Date, timezone: string, offsetDays = 0): string {
  // en-CA formats as YYYY-MM-DD
  const local = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  if (!offsetDays) return local;
  const moved = new Date(`${local}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + offsetDays);
  return moved.toISOString().slice(0, 10);
}

/** The manifest URI of a date: `{date}` replaced. */
export function manifestUriFor(template: string, date: string): string {
  return template.replaceAll('{date}', date);
}
