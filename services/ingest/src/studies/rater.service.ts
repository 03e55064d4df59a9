import { Inject, Injectable } from '@nestjs/common';
import { AssayError, ErrorCode, parseOrThrow, RaterAnswer, type RaterTaskView, type StudyItem, type StudyRecord } from '@assay/contracts';
import type { Logger } from '@assay/observability';
import type { ObjectStore } from '@assay/storage';
import {
  assetObject,
  isSwapped,
  signAssetLink,
  sniffContentType,
  toScreenAnswer,
  toStudyAnswer,
  verifyAssetLink,
  wantsGold,
  type Assignment,
  type RaterRecord,
  type StudyStore,
} from '@assay/studies';
import type { IngestMetrics } from '../ingest-metrics.js';
import { INGEST_METRICS, LOGGER, OBJECT_STORE, STUDY_STORE } from '../tokens.js';

/** Bytes a rater's asset link serves at most: the assets were scored, so they are already within the scoring limits. */
const MAX_ASSET_BYTES = 512 * 1024 * 1024;

/** The rater app's API: a rater, known by their invite token, sees and answers only their own tasks. */
@Injectable()
export class RaterService {
  constructor(
    @Inject(STUDY_STORE) private readonly studies: StudyStore,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(INGEST_METRICS) private readonly metrics: IngestMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Checks the page's token before the page is served, so a wrong link says so at once. */
  async authenticate(studyId: string, token: string): Promise<{ study: StudyRecord; rater: RaterRecord }> {
    const study = await this.studies.get(studyId);
    // an unknown study and a token for another one look the same: a link reveals nothing it does not grant
    if (!study) throw new AssayError(ErrorCode.RaterTokenInvalid, 'this rater link is not valid; ask the study owner for a new one');
    const rater = await this.studies.raterForToken(studyId, token, new Date());
    return { study, rater };
  }

  async task(studyId: string, token: string): Promise<RaterTaskView> {
    const { study, rater } = await this.authenticate(studyId, token);
    return this.next(study, rater);
  }

  async answer(studyId: string, token: string, body: unknown, requestId: string): Promise<RaterTaskView> {
    const { study, rater } = await this.authenticate(studyId, token);
    const req = parseOrThrow(RaterAnswer, body);
    const item = await this.studies.assignedItem(studyId, rater.raterId, req.assignmentId);
    if (!item) throw new AssayError(ErrorCode.ItemNotAssigned, `assignment ${req.assignmentId} is not this rater's`);
    const answer = toStudyAnswer(study, item, rater.raterId, req, new Date());
    const outcome = await this.studies.answer(study, answer);
    if (outcome === 'ok') this.metrics.studyAnswers.inc({ protocol: study.protocol, source: 'app' });
    this.logger.debug({ requestId, studyId, raterId: rater.raterId, itemId: item.id, outcome }, 'rater answer');
    return this.next(study, rater);
  }

  async undo(studyId: string, token: string): Promise<RaterTaskView> {
    const { study, rater } = await this.authenticate(studyId, token);
    const assignment = await this.studies.undo(study, rater.raterId, new Date());
    return this.viewOf(study, rater, assignment);
  }

  /** The bytes behind a signed asset link, read from the object store (never a redirect: links must not outlive the task). */
  async asset(link: {
    studyId: string;
    assignmentId: string;
    slot: string;
    exp: string;
    sig: string;
  }): Promise<{ bytes: Uint8Array; type: string }> {
    const slot = verifyAssetLink(await this.studies.linkSecret(), link, new Date());
    const study = await this.studies.get(link.studyId);
    const raterId = study && (await this.studies.assignmentRater(study.id, link.assignmentId));
    const item = raterId && (await this.studies.assignedItem(study.id, raterId, link.assignmentId));
    if (!study || !raterId || !item) throw new AssayError(ErrorCode.AssetLinkInvalid, 'asset link refused: the task is gone');
    const index = screenOrder(study, item, raterId).find((p) => p.position === slot)?.index;
    const ref = index === undefined ? undefined : assetObject(item.assets[index]);
    if (!ref) throw new AssayError(ErrorCode.AssetLinkInvalid, 'asset link refused: no such asset on this task');
    const bytes = await this.store.get(ref, { maxBytes: MAX_ASSET_BYTES });
    return { bytes, type: sniffContentType(bytes) };
  }

  private async next(study: StudyRecord, rater: RaterRecord): Promise<RaterTaskView> {
    if (study.status !== 'open') throw new AssayError(ErrorCode.StudyClosed, `study ${study.id} is closed; thank you for rating`);
    const answered = await this.studies.answeredBy(study.id, rater.raterId);
    const outcome = await this.studies.assign(study, rater.raterId, new Date(), wantsGold(study, rater.raterId, answered));
    return this.viewOf(study, rater, outcome.kind === 'task' ? outcome.assignment : undefined);
  }

  private async viewOf(study: StudyRecord, rater: RaterRecord, assignment: Assignment | undefined): Promise<RaterTaskView> {
    const [answered, canUndo, secret, raters] = await Promise.all([
      this.studies.answeredBy(study.id, rater.raterId),
      this.studies.canUndo(study.id, rater.raterId),
      this.studies.linkSecret(),
      this.studies.raterCount(study.id),
    ]);
    // a fair share of the items' ratings, with the gold mixed in; never below what is done plus the task on screen
    const share = Math.min(study.items, Math.ceil((study.items * study.ratersPerItem) / Math.max(1, raters)));
    const target = Math.max(answered + (assignment ? 1 : 0), Math.ceil(share / (1 - study.goldRate)));
    const now = new Date();
    return {
      study: {
        id: study.id,
        name: study.name,
        protocol: study.protocol,
        instructions: study.instructions,
        dimensions: study.dimensions,
        scalePoints: study.scalePoints,
        allowTies: study.allowTies,
      },
      rater: { id: rater.raterId, name: rater.name },
      progress: { answered, target: assignment ? target : answered },
      task: assignment
        ? {
            assignmentId: assignment.assignmentId,
            prompt: assignment.item.prompt,
            assets: screenOrder(study, assignment.item, rater.raterId).map(({ position, index }) => ({
              position,
              modality: assignment.item.assets[index].modality,
              url: signAssetLink(secret, study.id, assignment.assignmentId, position, now),
            })),
            previous: assignment.previous ? toScreenAnswer(assignment.previous) : undefined,
          }
        : null,
      canUndo: study.status === 'open' && canUndo,
    };
  }
}

/** Which of the item's assets goes where on this rater's screen. */
function screenOrder(study: StudyRecord, item: StudyItem, raterId: string): { position: 'left' | 'right' | 'single'; index: number }[] {
  if (item.assets.length === 1) return [{ position: 'single', index: 0 }];
  const swapped = isSwapped(study, item.id, raterId);
  return [
    { position: 'left', index: swapped ? 1 : 0 },
    { position: 'right', index: swapped ? 0 : 1 },
  ];
}
