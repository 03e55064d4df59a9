import { append } from './estimates.js';

/** Binary outcomes of one side by record offset (1 = the event: passed, flagged). */
export interface Outcomes {
  offsets: number[];
  hits: number[];
}

export const emptyOutcomes = (): Outcomes => ({ offsets: [], hits: [] });

export function addOutcome(into: Record<string, Outcomes>, key: string, offset: number, hit: boolean): void {
  const o = (into[key] ??= emptyOutcomes());
  o.offsets.push(offset);
  o.hits.push(hit ? 1 : 0);
}

export function mergeOutcomes(into: Record<string, Outcomes>, later: Record<string, Outcomes>): void {
  for (const [key, o] of Object.entries(later)) {
    const target = (into[key] ??= emptyOutcomes());
    append(target.offsets, o.offsets);
    append(target.hits, o.hits);
  }
}

export const countHits = (o: Outcomes) => o.hits.reduce((a, b) => a + b, 0);

/**
 * The 2×2 table of matched pairs: [both, baseline only, candidate only, neither] hit, over pairs where both
 * sides have an outcome.
 */
export function pairedTable(b: Outcomes, c: Outcomes, pairs: ReadonlyMap<number, number>): [number, number, number, number] {
  const cHit = new Map<number, number>();
  for (let i = 0; i < c.offsets.length; i++) cHit.set(c.offsets[i], c.hits[i]);
  const table: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < b.offsets.length; i++) {
    const co = pairs.get(b.offsets[i]);
    if (co === undefined || !cHit.has(co)) continue;
    const [x, y] = [b.hits[i], cHit.get(co)!];
    table[x && y ? 0 : x ? 1 : y ? 2 : 3]++;
  }
  return table;
}
