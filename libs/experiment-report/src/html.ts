import { escapeHtml } from '@assay/report';

/** Markup that is already safe to emit: produced by `html` or `raw`, never by concatenating user strings. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a `html` template interpolates: strings are escaped, numbers printed only when finite, Html kept, arrays joined. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return escapeHtml(value as string);
}

/** Tagged template: every interpolated value is escaped unless it is already `Html`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted markup written in this package (constants only: never pass data through it). */
export const raw = (markup: string): Html => new Html(markup);
