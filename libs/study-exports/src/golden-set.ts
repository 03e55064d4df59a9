import type { GoldItemRequest, RubricDimension, StudyProtocol } from '@assay/contracts';
import { consensusOf } from './consensus.js';
import { answersByItem, type ExportContext } from './context.js';

export interface GoldenSetOptions {
  /** items with fewer answers cannot show a consensus (default 3) */
  minRaters?: number;
  /** the share of raters that must agree, on every dimension (default 0.8) */
  minAgreement?: number;
  /** the manifest's createdAt (default: the current time) */
  now?: Date;
}

export interface GoldenSetItem {
  itemId: string;
  /** `consensus`: the raters agreed; `gold`: one of the study's own gold items, kept with its planted answer */
  origin: 'consensus' | 'gold';
  /** answers the item had */
  raters: number;
  /** share of raters who agree with `expected` (the weakest dimension's); null for gold items */
  agreement: number | null;
  /** ready for the `gold.items` of a new study */
  gold: GoldItemRequest;
}

export interface GoldenSetManifest {
  version: 1;
  createdAt: string;
  studyId: string;
  studyName: string;
  /** what `expected` answers: a later study using these items as gold needs the same protocol and dimensions */
  rubric: { protocol: StudyProtocol; instructions: string; dimensions: RubricDimension[]; scalePoints: number; allowTies: boolean };
  minRaters: number;
  minAgreement: number;
  items: GoldenSetItem[];
}

/**
 * Items whose answer is settled, as gold for a later study: every non-gold item where at least `minRaters` raters
 * reached a consensus (see `consensusOf`) shared by at least `minAgreement` of them, and the study's gold items as
 * they are. Expects the answers of included raters only (see ExportContext).
 */
export function goldenSetManifest(ctx: ExportContext, opts: GoldenSetOptions = {}): GoldenSetManifest {
  const { study } = ctx;
  const { minRaters = 3, minAgreement = 0.8, now = new Date() } = opts;
  const byItem = answersByItem(ctx.answers);
  const items: GoldenSetItem[] = [];
  for (const item of ctx.items) {
    const answers = byItem.get(item.id) ?? [];
    const request = {
      assets: item.assets.map(({ runId, assetId }) => ({ runId, assetId })),
      ...(item.prompt !== undefined && { prompt: item.prompt }),
    };
    if (item.gold) {
      if (item.expected)
        items.push({
          itemId: item.id,
          origin: 'gold',
          raters: answers.length,
          agreement: null,
          gold: { ...request, expected: item.expected },
        });
      continue;
    }
    if (answers.length === 0 || answers.length < minRaters) continue;
    const consensus = consensusOf(study, answers);
    if (!consensus || consensus.agreement < minAgreement) continue;
    items.push({
      itemId: item.id,
      origin: 'consensus',
      raters: answers.length,
      agreement: consensus.agreement,
      gold: { ...request, expected: consensus.expected },
    });
  }
  return {
    version: 1,
    createdAt: now.toISOString(),
    studyId: study.id,
    studyName: study.name,
    rubric: {
      protocol: study.protocol,
      instructions: study.instructions,
      dimensions: study.dimensions,
      scalePoints: study.scalePoints,
      allowTies: study.allowTies,
    },
    minRaters,
    minAgreement,
    items,
  };
}
