import type { StudyAnswerValue, StudyRecord } from '@assay/contracts';
import { answersByItem, type ExportContext } from './context.js';
import { labelConfigFor, PAIR_OBJECTS, SINGLE_OBJECT, studyModality } from './label-studio-config.js';

/** A result of a control tag, as Label Studio writes it (https://labelstud.io/guide/task_format). */
export interface LabelStudioResult {
  id: string;
  from_name: string;
  to_name: string;
  type: 'choices' | 'rating';
  value: { choices: string[] } | { rating: number };
}

export interface LabelStudioAnnotation {
  id: number;
  /** the Label Studio user id; see `labelStudioUserIds` */
  completed_by: number;
  result: LabelStudioResult[];
  was_cancelled: boolean;
  ground_truth: boolean;
  created_at: string;
  updated_at: string;
  /** seconds on the task */
  lead_time: number;
}

export interface LabelStudioTask {
  data: Record<string, string>;
  annotations: LabelStudioAnnotation[];
}

/**
 * A Label Studio project for the study: the labeling config and one task per item (gold included, so the
 * answers come back whole) holding the study's answers as annotations. Import the tasks into a project with
 * that config to review or extend the study there. Expects the answers of included raters only (see ExportContext).
 */
export function labelStudioExport(ctx: ExportContext): { labelConfig: string; tasks: LabelStudioTask[] } {
  const { study, items } = ctx;
  const byItem = answersByItem(ctx.answers);
  const users = labelStudioUserIds(ctx.answers.map((a) => a.raterId));
  let annotationId = 0;
  const tasks = items.map((item): LabelStudioTask => {
    const objects = item.assets.length === 2 ? PAIR_OBJECTS : [SINGLE_OBJECT];
    const data: Record<string, string> = { prompt: item.prompt ?? '', assay_item_id: item.id, assay_study_id: study.id };
    item.assets.forEach((asset, i) => {
      data[objects[i]] = ctx.assetUri(asset);
      data[`${objects[i]}_run_id`] = asset.runId;
      data[`${objects[i]}_model_version`] = asset.modelVersion;
    });
    const annotations = (byItem.get(item.id) ?? []).map((answer): LabelStudioAnnotation => ({
      id: ++annotationId,
      completed_by: users.get(answer.raterId)!,
      result: resultsOf(study, answer.value),
      was_cancelled: false,
      ground_truth: false,
      created_at: answer.answeredAt,
      updated_at: answer.answeredAt,
      lead_time: answer.elapsedMs / 1000,
    }));
    return { data, annotations };
  });
  return { labelConfig: labelConfigFor(study, studyModality(items)), tasks };
}

/**
 * Label Studio identifies annotators by number. Raters imported from Label Studio (`ls:<id>`) keep their id, so
 * a re-import finds the same raters; the others are numbered in raterId order after the largest kept id.
 */
export function labelStudioUserIds(raterIds: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  const others: string[] = [];
  for (const raterId of new Set(raterIds)) {
    const kept = /^ls:([1-9]\d{0,14})$/.exec(raterId);
    if (kept) ids.set(raterId, Number(kept[1]));
    else others.push(raterId);
  }
  let next = Math.max(0, ...ids.values());
  for (const raterId of others.sort()) ids.set(raterId, ++next);
  return ids;
}

function resultsOf(study: StudyRecord, value: StudyAnswerValue): LabelStudioResult[] {
  if ('preferred' in value) {
    const key = study.dimensions[0].key;
    return [{ id: key, from_name: key, to_name: PAIR_OBJECTS[0], type: 'choices', value: { choices: [value.preferred] } }];
  }
  const results: LabelStudioResult[] = [];
  for (const { key } of study.dimensions) {
    const base = { id: key, from_name: key, to_name: SINGLE_OBJECT };
    if ('ratings' in value && value.ratings[key] !== undefined)
      results.push({ ...base, type: 'rating', value: { rating: value.ratings[key] } });
    if ('checks' in value && value.checks[key] !== undefined)
      results.push({ ...base, type: 'choices', value: { choices: [value.checks[key] ? 'yes' : 'no'] } });
  }
  return results;
}
