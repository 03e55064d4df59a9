import { CausalError } from './errors.js';

export type Groups = ArrayLike<number> | readonly string[];

/** Dense codes 0 … count − 1 for cluster ids (numbers or strings), in order of first appearance. */
export function groupCodes(groups: Groups, rows: number): { codes: Int32Array; count: number } {
  if (groups.length !== rows) throw new CausalError('invalid_input', `groups has ${groups.length} values for ${rows} rows`);
  const codes = new Int32Array(rows);
  const index = new Map<number | string, number>();
  for (let i = 0; i < rows; i++) {
    const g = groups[i] as unknown;
    if (!(typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g))))
      throw new CausalError('invalid_input', `groups[${i}] is ${String(g)}: cluster ids are strings or finite numbers`);
    let c = index.get(g);
    if (c === undefined) index.set(g, (c = index.size));
    codes[i] = c;
  }
  return { codes, count: index.size };
}
