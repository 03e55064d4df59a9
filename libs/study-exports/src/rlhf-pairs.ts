import { answersByItem, type ExportContext } from './context.js';
import { majoritySide, tallyPreferences } from './preference-tally.js';

/** One preference pair in the shape RLHF / DPO trainers read (snake_case, asset URIs as the completions). */
export interface RlhfPair {
  prompt: string | null;
  chosen: string;
  rejected: string;
  chosen_model_version: string;
  rejected_model_version: string;
  /** (votes for chosen − votes for rejected) / raters: ties dilute it */
  margin: number;
  raters: number;
  /** share of raters who chose the majority side; a tie counts as disagreement */
  agreement: number;
  item_id: string;
  study_id: string;
}

export interface RlhfPairsOptions {
  /** items with fewer answers are skipped (default 1) */
  minRaters?: number;
  /** items whose margin is below this are skipped (default 0) */
  minMargin?: number;
}

/** Pairwise items (gold excluded) that gave no pair, by reason. */
export interface RlhfSkipped {
  fewRaters: number;
  noMajority: number;
  lowMargin: number;
}

/**
 * The majority preference of every pairwise, non-gold item: gold items are attention checks with a planted
 * answer, not preferences. Expects the answers of included raters only (see ExportContext).
 */
export function rlhfExport(ctx: ExportContext, opts: RlhfPairsOptions = {}): { pairs: RlhfPair[]; skipped: RlhfSkipped } {
  const { minRaters = 1, minMargin = 0 } = opts;
  const pairs: RlhfPair[] = [];
  const skipped: RlhfSkipped = { fewRaters: 0, noMajority: 0, lowMargin: 0 };
  if (ctx.study.protocol !== 'pairwise') return { pairs, skipped };
  const byItem = answersByItem(ctx.answers);
  for (const item of ctx.items) {
    if (item.gold || item.assets.length !== 2) continue;
    const tally = tallyPreferences(byItem.get(item.id) ?? []);
    if (tally.raters === 0 || tally.raters < minRaters) {
      skipped.fewRaters += 1;
      continue;
    }
    const side = majoritySide(tally);
    if (!side) {
      skipped.noMajority += 1;
      continue;
    }
    const other = side === 'a' ? 'b' : 'a';
    const margin = (tally[side] - tally[other]) / tally.raters;
    if (margin < minMargin) {
      skipped.lowMargin += 1;
      continue;
    }
    const [chosen, rejected] = side === 'a' ? item.assets : [item.assets[1], item.assets[0]];
    pairs.push({
      prompt: item.prompt ?? null,
      chosen: ctx.assetUri(chosen),
      rejected: ctx.assetUri(rejected),
      chosen_model_version: chosen.modelVersion,
      rejected_model_version: rejected.modelVersion,
      margin,
      raters: tally.raters,
      agreement: tally[side] / tally.raters,
      item_id: item.id,
      study_id: ctx.study.id,
    });
  }
  return { pairs, skipped };
}

/** The pairs of `rlhfExport`, for callers that do not report the skipped items. */
export function rlhfPairs(ctx: ExportContext, opts: RlhfPairsOptions = {}): RlhfPair[] {
  return rlhfExport(ctx, opts).pairs;
}
