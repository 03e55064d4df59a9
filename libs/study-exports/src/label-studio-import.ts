import {
  AssayError,
  ErrorCode,
  type FieldIssue,
  type StudyAnswer,
  type StudyAnswerValue,
  type StudyItem,
  type StudyRecord,
} from '@assay/contracts';
import { CHECK_CHOICES, PAIR_OBJECTS, PREFERENCES } from './label-studio-config.js';

export interface LabelStudioImport {
  answers: StudyAnswer[];
  /** every rater the kept answers name, in order of first answer */
  raters: { raterId: string; name: string }[];
  /** what was read but not kept: cancelled annotations, tasks of unknown items, answers replaced by a later one */
  skipped: { taskId: unknown; reason: string }[];
}

/** One dimension's answer as found in the file, before it is checked against the study. */
interface Field {
  name: string;
  /** where the dimension is named, and where its value is */
  namePath: string;
  path: string;
  kind: 'choice' | 'rating';
  value: unknown;
}

/** One annotation, from either export format. */
interface Submission {
  path: string;
  taskId: unknown;
  itemId: string;
  annotationId: unknown;
  annotator: unknown;
  cancelled: boolean;
  fields: Field[];
  /** some result could not be read: its dimension is reported there, not as missing */
  unreadable: boolean;
  /** where to report a bad annotator or annotation id, and a missing dimension */
  paths: { annotator: string; annotationId: string; fields: string };
  createdAt: unknown;
  updatedAt: unknown;
  leadTime: unknown;
}

type Json = Record<string, unknown>;

/**
 * Reads a Label Studio export of a project made by `labelStudioExport` (or one with the same control names):
 * the JSON export (tasks with `annotations`, https://labelstud.io/guide/task_format) or JSON_MIN (one flat record
 * per annotation, https://labelstud.io/guide/export.html#JSON-MIN). Tasks map to items by `data.assay_item_id`,
 * annotators to raters `ls:<user id>`. Every problem of the file is collected and thrown at once as
 * `label_studio_invalid` with its JSON path. The caller then excludes low-quality raters before any export.
 */
export function parseLabelStudioExport(
  study: StudyRecord,
  items: readonly StudyItem[],
  json: unknown,
  opts: { now?: Date } = {},
): LabelStudioImport {
  if (!Array.isArray(json))
    throw invalid([{ path: '(root)', message: 'expected an array of tasks (a Label Studio JSON or JSON_MIN export)' }]);
  const issues: FieldIssue[] = [];
  const itemsById = new Map(items.map((i) => [i.id, i]));
  const kept = new Map<string, { answer: StudyAnswer; taskId: unknown; name: string }>();
  const skipped: LabelStudioImport['skipped'] = [];
  for (const [i, task] of (json as unknown[]).entries()) {
    const path = `[${i}]`;
    if (!isObject(task)) {
      issues.push({ path, message: 'expected a task object' });
      continue;
    }
    // JSON_MIN records have neither: the task data sits at the top
    const isMin = !('data' in task) && !('annotations' in task);
    const data = isMin ? task : task.data;
    const dataPath = isMin ? path : `${path}.data`;
    if (!isObject(data)) {
      issues.push({ path: dataPath, message: 'missing: every task has a data object' });
      continue;
    }
    if (typeof data.assay_item_id !== 'string') {
      issues.push({ path: `${dataPath}.assay_item_id`, message: 'expected the Assay item id (a string)' });
      continue;
    }
    if (data.assay_study_id !== undefined && data.assay_study_id !== study.id) {
      issues.push({
        path: `${dataPath}.assay_study_id`,
        message: `the task belongs to study ${JSON.stringify(data.assay_study_id)}, not ${study.id}`,
      });
      continue;
    }
    const itemId = data.assay_item_id;
    const item = itemsById.get(itemId);
    if (!item) {
      skipped.push({ taskId: task.id, reason: `unknown item ${itemId}` });
      continue;
    }
    const submissions = isMin ? [minSubmission(study, task, path, itemId)] : taskSubmissions(task, path, itemId, issues);
    for (const s of submissions) {
      if (s.cancelled) {
        skipped.push({ taskId: s.taskId, reason: `annotation ${String(s.annotationId)} was cancelled` });
        continue;
      }
      const answer = toAnswer(study, item, s, opts.now, issues);
      if (!answer) continue;
      const key = `${answer.itemId}\u0000${answer.raterId}`;
      const earlier = kept.get(key);
      if (earlier) {
        const reason = `annotation ${earlier.answer.assignmentId} by ${answer.raterId} on item ${itemId} replaced by the later ${answer.assignmentId}`;
        skipped.push({ taskId: earlier.taskId, reason });
        kept.delete(key);
      }
      kept.set(key, { answer, taskId: s.taskId, name: annotatorName(s.annotator) });
    }
  }
  if (issues.length > 0) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw invalid(issues, `Label Studio export does not fit study ${study.id}: ${issues[0].path}: ${issues[0].message}${more}`);
  }
  const raters = new Map<string, string>();
  for (const { answer, name } of kept.values()) if (!raters.has(answer.raterId)) raters.set(answer.raterId, name);
  return {
    answers: [...kept.values()].map((k) => k.answer),
    raters: [...raters].map(([raterId, name]) => ({ raterId, name })),
    skipped,
  };
}

function invalid(details: FieldIssue[], message = `Label Studio export unreadable: ${details[0].message}`): AssayError {
  return new AssayError(ErrorCode.LabelStudioInvalid, message, details);
}

function taskSubmissions(task: Json, path: string, itemId: string, issues: FieldIssue[]): Submission[] {
  if (!Array.isArray(task.annotations)) {
    issues.push({ path: `${path}.annotations`, message: 'expected an array of annotations' });
    return [];
  }
  const submissions: Submission[] = [];
  for (const [j, annotation] of (task.annotations as unknown[]).entries()) {
    const at = `${path}.annotations[${j}]`;
    if (!isObject(annotation)) {
      issues.push({ path: at, message: 'expected an annotation object' });
      continue;
    }
    const cancelled = annotation.was_cancelled === true;
    if (!cancelled && !Array.isArray(annotation.result)) {
      issues.push({ path: `${at}.result`, message: 'expected an array of results' });
      continue;
    }
    const results = cancelled ? [] : (annotation.result as unknown[]);
    const before = issues.length;
    const fields = results.flatMap((r, k) => resultField(r, `${at}.result[${k}]`, issues));
    submissions.push({
      path: at,
      taskId: task.id,
      itemId,
      annotationId: annotation.id,
      annotator: annotation.completed_by,
      cancelled,
      fields,
      unreadable: issues.length > before,
      paths: { annotator: `${at}.completed_by`, annotationId: `${at}.id`, fields: `${at}.result` },
      createdAt: annotation.created_at,
      updatedAt: annotation.updated_at,
      leadTime: annotation.lead_time,
    });
  }
  return submissions;
}

/** A result of the JSON export: `choices` and `rating` as our config writes them, `pairwise` should a project use that tag. */
function resultField(result: unknown, path: string, issues: FieldIssue[]): Field[] {
  const reject = (at: string, message: string): Field[] => {
    issues.push({ path: `${path}${at}`, message });
    return [];
  };
  if (!isObject(result)) return reject('', 'expected a result object');
  const { from_name: name, type, value } = result;
  if (typeof name !== 'string') return reject('.from_name', 'expected the control tag name (a string)');
  if (!isObject(value)) return reject('.value', 'expected a value object');
  const namePath = `${path}.from_name`;
  switch (type) {
    case 'choices':
      if (!Array.isArray(value.choices) || value.choices.length !== 1) return reject('.value.choices', 'expected exactly one choice');
      return [{ name, namePath, path: `${path}.value.choices[0]`, kind: 'choice', value: value.choices[0] }];
    case 'rating':
      return [{ name, namePath, path: `${path}.value.rating`, kind: 'rating', value: value.rating }];
    case 'pairwise': {
      // <Pairwise toName="a,b"> shows the item's first asset on the left
      const side = value.selected === 'left' ? PAIR_OBJECTS[0] : value.selected === 'right' ? PAIR_OBJECTS[1] : undefined;
      if (!side) return reject('.value.selected', 'expected left or right');
      return [{ name, namePath, path: `${path}.value.selected`, kind: 'choice', value: side }];
    }
    default:
      return reject('.type', `unsupported result type ${JSON.stringify(type)} (expected choices or rating)`);
  }
}

/**
 * A JSON_MIN record: the task data, one key per control tag (a single choice flattened to its string, a rating as
 * `[{rating}]`), and the annotation's `annotator`, `annotation_id` and times. Only dimension keys are answers:
 * the other keys are task data.
 */
function minSubmission(study: StudyRecord, record: Json, path: string, itemId: string): Submission {
  const fields: Field[] = [];
  for (const { key } of study.dimensions) {
    if (!(key in record)) continue;
    const raw = Array.isArray(record[key]) && record[key].length === 1 ? (record[key] as unknown[])[0] : record[key];
    const rating = isObject(raw) ? raw.rating : raw;
    fields.push({
      name: key,
      namePath: `${path}.${key}`,
      path: `${path}.${key}`,
      kind: typeof rating === 'number' ? 'rating' : 'choice',
      value: rating,
    });
  }
  return {
    path,
    taskId: record.id,
    itemId,
    annotationId: record.annotation_id,
    annotator: record.annotator,
    cancelled: false,
    fields,
    unreadable: false,
    paths: { annotator: `${path}.annotator`, annotationId: `${path}.annotation_id`, fields: path },
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    leadTime: record.lead_time,
  };
}

function toAnswer(study: StudyRecord, item: StudyItem, s: Submission, now: Date | undefined, issues: FieldIssue[]): StudyAnswer | null {
  const before = issues.length;
  const annotator = annotatorId(s.annotator);
  if (annotator === undefined)
    issues.push({ path: s.paths.annotator, message: 'expected the annotator (a user id, or an object with id)' });
  if (typeof s.annotationId !== 'number' && typeof s.annotationId !== 'string') {
    issues.push({ path: s.paths.annotationId, message: 'expected the annotation id' });
  }
  const answeredAt = timestamp(s, now, issues);
  const elapsedMs = leadTimeMs(s, issues);
  const value = answerValue(study, s, issues);
  if (issues.length > before || !value || annotator === undefined) return null;
  return {
    studyId: study.id,
    itemId: item.id,
    raterId: `ls:${annotator}`,
    assignmentId: `ls:${String(s.annotationId)}`,
    gold: item.gold,
    value,
    elapsedMs,
    answeredAt,
    source: 'label-studio',
  };
}

function annotatorId(annotator: unknown): string | undefined {
  const id = isObject(annotator) ? annotator.id : annotator;
  if ((typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && id.length > 0)) return String(id);
  return undefined;
}

/** Label Studio users have an email and maybe a name; a bare id gets a readable stand-in. */
function annotatorName(annotator: unknown): string {
  if (isObject(annotator)) {
    const full = [annotator.first_name, annotator.last_name].filter((p) => typeof p === 'string' && p.length > 0).join(' ');
    if (full) return full;
    if (typeof annotator.email === 'string' && annotator.email) return annotator.email;
  }
  return `Label Studio user ${annotatorId(annotator)}`;
}

/** The time of the last edit (`updated_at`), else of creation; `now` only when the file has neither. */
function timestamp(s: Submission, now: Date | undefined, issues: FieldIssue[]): string {
  const [field, raw] = s.updatedAt != null ? ['updated_at', s.updatedAt] : ['created_at', s.createdAt];
  if (raw == null) return (now ?? new Date()).toISOString();
  const at = typeof raw === 'string' ? new Date(raw) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    issues.push({ path: `${s.path}.${field}`, message: 'expected an ISO 8601 timestamp' });
    return '';
  }
  return at.toISOString();
}

function leadTimeMs(s: Submission, issues: FieldIssue[]): number {
  if (s.leadTime == null) return 0;
  if (typeof s.leadTime !== 'number' || !Number.isFinite(s.leadTime) || s.leadTime < 0) {
    issues.push({ path: `${s.path}.lead_time`, message: 'expected seconds (a number ≥ 0)' });
    return 0;
  }
  return Math.round(s.leadTime * 1000);
}

function answerValue(study: StudyRecord, s: Submission, issues: FieldIssue[]): StudyAnswerValue | null {
  const byName = new Map<string, Field>();
  for (const f of s.fields) {
    if (!study.dimensions.some((d) => d.key === f.name)) {
      issues.push({
        path: f.namePath,
        message: `${f.name} is not a dimension of the study (${study.dimensions.map((d) => d.key).join(', ')})`,
      });
    } else if (byName.has(f.name)) issues.push({ path: f.namePath, message: `a second answer for ${f.name}` });
    else byName.set(f.name, f);
  }
  const dimensions = study.protocol === 'pairwise' ? study.dimensions.slice(0, 1) : study.dimensions;
  const missing = dimensions.filter((d) => !byName.has(d.key)).map((d) => d.key);
  if (missing.length > 0 && !s.unreadable) issues.push({ path: s.paths.fields, message: `no answer for ${missing.join(', ')}` });
  if (missing.length > 0 || byName.size < s.fields.length) return null;
  const values = dimensions.map((d) => [d.key, readField(study, byName.get(d.key)!, issues)] as const);
  if (values.some(([, v]) => v === undefined)) return null;
  if (study.protocol === 'pairwise') return { preferred: values[0][1] as 'a' | 'b' | 'tie' };
  if (study.protocol === 'likert') return { ratings: Object.fromEntries(values) as Record<string, number> };
  return { checks: Object.fromEntries(values) as Record<string, boolean> };
}

/** One dimension's answer checked against the study: a preference, a rating in range, or a yes/no. */
function readField(study: StudyRecord, f: Field, issues: FieldIssue[]): string | number | boolean | undefined {
  const fail = (message: string): undefined => {
    issues.push({ path: f.path, message });
    return undefined;
  };
  if (study.protocol === 'likert') {
    if (f.kind !== 'rating' || typeof f.value !== 'number' || !Number.isInteger(f.value))
      return fail(`expected a rating (an integer) for ${f.name}`);
    if (f.value < 1 || f.value > study.scalePoints) return fail(`rating ${f.value} is outside 1…${study.scalePoints}`);
    return f.value;
  }
  if (study.protocol === 'binary') {
    if (f.kind !== 'choice' || (f.value !== 'yes' && f.value !== 'no'))
      return fail(`expected yes or no for ${f.name}, got ${JSON.stringify(f.value)}`);
    return CHECK_CHOICES[f.value];
  }
  const allowed: string[] = PREFERENCES.map((p) => p.alias).filter((a) => study.allowTies || a !== 'tie');
  if (f.kind === 'choice' && f.value === 'tie' && !study.allowTies) return fail('a tie, but the study does not allow ties');
  if (f.kind !== 'choice' || typeof f.value !== 'string' || !allowed.includes(f.value)) {
    return fail(`expected one of ${allowed.join(', ')} for ${f.name}, got ${JSON.stringify(f.value)}`);
  }
  return f.value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
