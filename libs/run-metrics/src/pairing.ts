import type { Pairing, ResultRecord } from '@assay/contracts';
import type { PairIndex, RecordAt } from './run-metric.js';

/** Paired analysis needs this share of assets matched (docs/compare.md). */
export const PAIRED_SHARE = 0.8;

interface SideKeys {
  completed: number;
  promptId: Map<string, number[]>;
  prompt: Map<string, number[]>;
}

const emptySide = (): SideKeys => ({ completed: 0, promptId: new Map(), prompt: new Map() });
const add = (map: Map<string, number[]>, key: string, offset: number) => {
  const list = map.get(key);
  if (list) list.push(offset);
  else map.set(key, [offset]);
};

/**
 * Matches the completed assets of a baseline and a candidate run: by `attributes.promptId` when both runs
 * carry one, else by exact prompt text when both have prompts. A key must occur once on each side to pair.
 */
export class PairingCollector {
  private readonly sides = { baseline: emptySide(), candidate: emptySide() };

  update(record: ResultRecord, at: RecordAt): void {
    if (record.status !== 'completed' || at.side === 'run') return;
    const side = this.sides[at.side];
    side.completed++;
    const id = record.attributes?.promptId;
    if (id !== undefined && id !== '') add(side.promptId, String(id), at.offset);
    if (record.prompt) add(side.prompt, record.prompt, at.offset);
  }

  /** Folds a collector of later records into this one (keys keep their offsets in stream order). */
  merge(later: PairingCollector): void {
    for (const side of ['baseline', 'candidate'] as const) {
      const [into, from] = [this.sides[side], later.sides[side]];
      into.completed += from.completed;
      for (const kind of ['promptId', 'prompt'] as const)
        for (const [key, offsets] of from[kind]) for (const offset of offsets) add(into[kind], key, offset);
    }
  }

  compute(): PairIndex {
    const { baseline, candidate } = this.sides;
    const key: Pairing['key'] =
      baseline.promptId.size && candidate.promptId.size ? 'prompt_id' : baseline.prompt.size && candidate.prompt.size ? 'prompt' : 'none';
    const pairs = new Map<number, number>();
    let duplicateKeys = 0;
    if (key !== 'none') {
      const [b, c] = key === 'prompt_id' ? [baseline.promptId, candidate.promptId] : [baseline.prompt, candidate.prompt];
      for (const [k, offsets] of b) {
        const other = c.get(k);
        if (!other) continue;
        if (offsets.length === 1 && other.length === 1) pairs.set(offsets[0], other[0]);
        else duplicateKeys++;
      }
    }
    const sorted = new Map([...pairs].sort(([x], [y]) => x - y));
    const share = sorted.size / Math.max(1, baseline.completed, candidate.completed);
    return { summary: { key, pairs: sorted.size, share, paired: share >= PAIRED_SHARE, duplicateKeys }, pairs: sorted };
  }
}
