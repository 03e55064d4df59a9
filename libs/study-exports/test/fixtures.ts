import { StudyRecord, type StudyAnswer, type StudyAnswerValue, type StudyItem, type StudyItemAsset } from '@assay/contracts';
import type { ExportContext } from '@assay/study-exports';

const dimension = (key: string, label = key) => ({ key, label, instructions: `Judge ${label}.` });

/** A closed study of two runs (v1 = run-1, v2 = run-2) with the contract's defaults for everything else. */
export function makeStudy(protocol: 'pairwise' | 'likert' | 'binary', fields: Record<string, unknown> = {}): StudyRecord {
  const dimensions =
    protocol === 'pairwise'
      ? [dimension('preference', 'Which image matches the prompt better?')]
      : protocol === 'likert'
        ? [{ ...dimension('fidelity'), anchors: ['1 — unrelated', '2', '3', '4', '5 — exact'] }, dimension('quality')]
        : [dimension('has_text'), dimension('is_safe')];
  return StudyRecord.parse({
    id: `st_${protocol}`,
    name: `${protocol} study`,
    protocol,
    instructions: 'Look closely & answer "honestly".',
    dimensions,
    runs: [
      { runId: 'run-1', modelVersion: 'v1', name: 'first' },
      { runId: 'run-2', modelVersion: 'v2', name: 'second' },
    ],
    goldRate: 0.1,
    items: 0,
    goldItems: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    status: 'closed',
    ...fields,
  });
}

export const asset = (runId: string, assetId: string, modality: StudyItemAsset['modality'] = 'image'): StudyItemAsset => ({
  runId,
  assetId,
  modelVersion: runId === 'run-1' ? 'v1' : 'v2',
  modality,
});

export function pairItem(id: string, prompt?: string, extra: Partial<StudyItem> = {}): StudyItem {
  return { id, gold: false, prompt, assets: [asset('run-1', `${id}-1`), asset('run-2', `${id}-2`)], attributes: {}, ...extra };
}

export function singleItem(id: string, extra: Partial<StudyItem> = {}): StudyItem {
  return { id, gold: false, prompt: `prompt of ${id}`, assets: [asset('run-1', `${id}-1`)], attributes: {}, ...extra };
}

let seq = 0;
export function answer(
  study: StudyRecord,
  item: StudyItem,
  raterId: string,
  value: StudyAnswerValue,
  extra: Partial<StudyAnswer> = {},
): StudyAnswer {
  seq += 1;
  return {
    studyId: study.id,
    itemId: item.id,
    raterId,
    assignmentId: `as_${seq}`,
    gold: item.gold,
    value,
    elapsedMs: 1000 + seq * 37,
    answeredAt: new Date(Date.UTC(2025, 0, 2, 10, 0, seq)).toISOString(),
    source: 'app',
    ...extra,
  };
}

export function context(study: StudyRecord, items: StudyItem[], answers: StudyAnswer[]): ExportContext {
  return { study, items, answers, assetUri: (a) => `s3://assay/runs/${a.runId}/assets/${a.assetId}` };
}
