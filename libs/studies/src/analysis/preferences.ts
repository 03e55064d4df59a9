import { bradleyTerry, winRates, type PairwiseComparison } from '@assay/human-stats';
import { wilsonInterval } from '@assay/stats';
import type { StudyAnalysis, StudyAnswer, StudyItem, StudyRecord } from '@assay/contracts';

type Preferences = NonNullable<StudyAnalysis['pairwise']>;

/**
 * Win rates and a Bradley–Terry ranking of the runs' versions (Davidson's tie model when ties are allowed),
 * and the position bias: the share of decided answers that chose the left side.
 */
export function preferences(
  study: StudyRecord,
  items: ReadonlyMap<string, StudyItem>,
  answers: readonly StudyAnswer[],
  labels: ReadonlyMap<string, string>,
  confidence: number,
  warnings: string[],
): Preferences {
  const player = new Map(study.runs.map((r, i) => [r.runId, i]));
  const comparisons: PairwiseComparison[] = [];
  let left = 0;
  let sided = 0;
  for (const a of answers) {
    if (!('preferred' in a.value)) continue;
    const item = items.get(a.itemId)!;
    comparisons.push({ a: player.get(item.assets[0].runId)!, b: player.get(item.assets[1].runId)!, outcome: a.value.preferred });
    if (a.side === 'left' || a.side === 'right') {
      sided++;
      if (a.side === 'left') left++;
    }
  }
  const players = study.runs.length;
  const rates = winRates(players, comparisons, { confidence });
  let fit: ReturnType<typeof bradleyTerry> | undefined;
  try {
    fit = bradleyTerry(players, comparisons, { ties: study.allowTies ? 'davidson' : 'ignore', reference: 0, confidence });
  } catch (err) {
    warnings.push(`no Bradley–Terry ranking: ${(err as Error).message}`);
  }
  const order = study.runs.map((_, i) => i).sort((i, j) => (fit ? fit.strength[j] - fit.strength[i] : rates[j].rate - rates[i].rate));
  const versions = study.runs.map((r, i) => ({
    modelVersion: labels.get(r.runId)!,
    wins: rates[i].wins,
    losses: rates[i].losses,
    ties: rates[i].ties,
    comparisons: rates[i].n,
    winRate: { estimate: rates[i].rate, ci: rates[i].ci, n: rates[i].n },
    strength: fit ? fit.strength[i] : null,
    strengthCi: fit ? fit.ci[i] : null,
    rank: order.indexOf(i) + 1,
  }));
  const share = sided ? left / sided : 0.5;
  return {
    versions,
    tieParameter: fit?.tieParameter ?? null,
    comparisons: comparisons.length,
    leftShare: { estimate: share, ci: sided ? wilsonInterval(left, sided, 1 - confidence) : [0, 1], n: sided },
  };
}
