import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AssayError, ErrorCode, sha256Hex, type StudyAnswer, type StudyItem, type StudyRecord } from '@assay/contracts';
import { ANSWER, ASSIGN, IMPORT, UNDO } from './assignment-scripts.js';
import { studyGlobalKeys, studyKeys } from './study-keys.js';

/** A rater as the study keeps them: the token itself is never stored, only its hash (in the global token index). */
export interface RaterRecord {
  raterId: string;
  name: string;
  externalId?: string;
  /** invite expiry (ISO); imported raters have none */
  expiresAt?: string;
  createdAt: string;
}

/** A task on a rater's screen. */
export interface Assignment {
  assignmentId: string;
  item: StudyItem;
  /** the answer withdrawn by undo, for the app to preselect */
  previous?: StudyAnswer;
}

export type AssignOutcome = { kind: 'task'; assignment: Assignment } | { kind: 'done' };
export type AnswerOutcome = 'ok' | 'duplicate';

/** Studies in Redis: the record, items, raters, assignments and answers (docs/human-eval.md: data model). */
export class StudyStore {
  private readonly global: ReturnType<typeof studyGlobalKeys>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.global = studyGlobalKeys(prefix);
  }

  keys(studyId: string) {
    return studyKeys(this.prefix, studyId);
  }

  async create(record: StudyRecord, items: readonly StudyItem[]): Promise<void> {
    const k = this.keys(record.id);
    const multi = this.redis.multi();
    multi.hset(k.study, 'record', JSON.stringify(record), 'status', record.status);
    for (let i = 0; i < items.length; i += 1000) {
      const chunk = items.slice(i, i + 1000);
      multi.hset(k.items, ...chunk.flatMap((it) => [it.id, JSON.stringify(it)]));
      const regular = chunk.filter((it) => !it.gold);
      if (regular.length) multi.zadd(k.need, ...regular.flatMap((it) => [0, it.id]));
      const gold = chunk.filter((it) => it.gold);
      if (gold.length) multi.sadd(k.gold, ...gold.map((it) => it.id));
    }
    multi.zadd(this.global.index, Date.parse(record.createdAt), record.id);
    await multi.exec();
  }

  async get(studyId: string): Promise<StudyRecord | undefined> {
    const [record, status] = await this.redis.hmget(this.keys(studyId).study, 'record', 'status');
    if (!record) return undefined;
    return { ...(JSON.parse(record) as StudyRecord), status: status as StudyRecord['status'] };
  }

  async require(studyId: string): Promise<StudyRecord> {
    const study = await this.get(studyId);
    if (!study) throw new AssayError(ErrorCode.StudyNotFound, `no study ${studyId}`);
    return study;
  }

  /** Newest first. */
  async list(limit = 100): Promise<string[]> {
    return this.redis.zrevrange(this.global.index, 0, limit - 1);
  }

  async items(studyId: string): Promise<StudyItem[]> {
    const all = await this.redis.hvals(this.keys(studyId).items);
    return all.map((json) => JSON.parse(json) as StudyItem).sort((a, b) => a.id.localeCompare(b.id));
  }

  async item(studyId: string, itemId: string): Promise<StudyItem | undefined> {
    const json = await this.redis.hget(this.keys(studyId).items, itemId);
    return json ? (JSON.parse(json) as StudyItem) : undefined;
  }

  async close(studyId: string, closedAt: string): Promise<StudyRecord> {
    const k = this.keys(studyId);
    const study = await this.require(studyId);
    const closed: StudyRecord = { ...study, status: 'closed', closedAt: study.closedAt ?? closedAt };
    await this.redis.hset(k.study, 'record', JSON.stringify(closed), 'status', 'closed');
    return closed;
  }

  /** New raters with their invite tokens (returned once). */
  async invite(
    study: StudyRecord,
    raters: readonly { name: string; externalId?: string }[],
    now: Date,
  ): Promise<{ rater: RaterRecord; token: string }[]> {
    const k = this.keys(study.id);
    const expiresAt = new Date(now.getTime() + study.tokenTtlHours * 3_600_000).toISOString();
    const invites = raters.map((r) => ({
      rater: {
        raterId: `rtr_${randomBytes(8).toString('hex')}`,
        name: r.name,
        externalId: r.externalId,
        expiresAt,
        createdAt: now.toISOString(),
      },
      token: randomBytes(24).toString('base64url'),
    }));
    const multi = this.redis.multi();
    for (const { rater, token } of invites) {
      multi.hset(k.raters, rater.raterId, JSON.stringify(rater));
      multi.hset(this.global.tokens, sha256Hex(token), `${study.id}|${rater.raterId}`);
    }
    await multi.exec();
    return invites;
  }

  /** Raters who answered without an invite (imports): recorded once, never given a token. */
  async addRaters(studyId: string, raters: readonly { raterId: string; name: string }[], now: Date): Promise<void> {
    if (!raters.length) return;
    const k = this.keys(studyId);
    const multi = this.redis.multi();
    for (const r of raters) multi.hsetnx(k.raters, r.raterId, JSON.stringify({ ...r, createdAt: now.toISOString() } satisfies RaterRecord));
    await multi.exec();
  }

  async raterCount(studyId: string): Promise<number> {
    return this.redis.hlen(this.keys(studyId).raters);
  }

  async raters(studyId: string): Promise<RaterRecord[]> {
    return (await this.redis.hvals(this.keys(studyId).raters)).map((json) => JSON.parse(json) as RaterRecord);
  }

  /** The rater a token was issued to, checked against the study it is used for and its expiry. */
  async raterForToken(studyId: string, token: string, now: Date): Promise<RaterRecord> {
    const owner = token ? await this.redis.hget(this.global.tokens, sha256Hex(token)) : null;
    const [tokenStudy, raterId] = owner?.split('|') ?? [];
    if (!owner || tokenStudy !== studyId)
      throw new AssayError(ErrorCode.RaterTokenInvalid, 'this rater link is not valid for this study; ask the study owner for a new one');
    const json = await this.redis.hget(this.keys(studyId).raters, raterId);
    if (!json) throw new AssayError(ErrorCode.RaterTokenInvalid, 'this rater link is not valid for this study');
    const rater = JSON.parse(json) as RaterRecord;
    if (rater.expiresAt && Date.parse(rater.expiresAt) <= now.getTime())
      throw new AssayError(ErrorCode.RaterTokenExpired, `this rater link expired at ${rater.expiresAt}; ask the study owner for a new one`);
    return rater;
  }

  /** The rater's open task, or a new one: gold when `wantGold` and one is left, else the least-assigned item they have not seen. */
  async assign(study: StudyRecord, raterId: string, now: Date, wantGold: boolean): Promise<AssignOutcome> {
    const k = this.keys(study.id);
    const reply = (await this.redis.eval(
      ASSIGN,
      7,
      k.study,
      k.need,
      k.gold,
      k.current,
      k.assignments,
      k.leases,
      k.seen(raterId),
      raterId,
      study.ratersPerItem,
      now.getTime(),
      study.leaseMinutes * 60_000,
      `asg_${randomBytes(10).toString('hex')}`,
      wantGold ? 1 : 0,
      randomBytes(4).readUInt32BE(),
      k.seenPrefix,
    )) as string[];
    if (reply[0] === 'closed') throw closedError(study.id);
    if (reply[0] === 'done') return { kind: 'done' };
    const item = await this.item(study.id, reply[2]);
    if (!item) throw new AssayError(ErrorCode.Internal, `study ${study.id} lost item ${reply[2]}`);
    return { kind: 'task', assignment: { assignmentId: reply[1], item } };
  }

  /** The item of an assignment when it is this rater's, else undefined (the answer is then refused). */
  async assignedItem(studyId: string, raterId: string, assignmentId: string): Promise<StudyItem | undefined> {
    const a = await this.redis.hget(this.keys(studyId).assignments, assignmentId);
    const [itemId, owner] = a?.split('|') ?? [];
    return owner === raterId ? this.item(studyId, itemId) : undefined;
  }

  /** Who an assignment was served to (undefined once it is released). */
  async assignmentRater(studyId: string, assignmentId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys(studyId).assignments, assignmentId))?.split('|')[1];
  }

  async answer(study: StudyRecord, answer: StudyAnswer): Promise<AnswerOutcome> {
    const k = this.keys(study.id);
    const [outcome] = (await this.redis.eval(
      ANSWER,
      7,
      k.study,
      k.current,
      k.assignments,
      k.leases,
      k.answers,
      k.history(answer.raterId),
      k.answered,
      answer.raterId,
      answer.assignmentId,
      JSON.stringify(answer),
      answer.itemId,
    )) as string[];
    if (outcome === 'closed') throw closedError(study.id);
    if (outcome === 'unassigned')
      throw new AssayError(
        ErrorCode.ItemNotAssigned,
        `assignment ${answer.assignmentId} is not open for this rater (answered by undo, released after its lease, or another rater's)`,
      );
    return outcome as AnswerOutcome;
  }

  async undo(study: StudyRecord, raterId: string, now: Date): Promise<Assignment> {
    const k = this.keys(study.id);
    const reply = (await this.redis.eval(
      UNDO,
      9,
      k.study,
      k.current,
      k.assignments,
      k.leases,
      k.answers,
      k.history(raterId),
      k.answered,
      k.need,
      k.seen(raterId),
      raterId,
      now.getTime(),
      study.leaseMinutes * 60_000,
    )) as string[];
    if (reply[0] === 'closed') throw closedError(study.id);
    if (reply[0] === 'nothing') throw new AssayError(ErrorCode.ItemNotAssigned, 'there is no answer to undo');
    const item = await this.item(study.id, reply[2]);
    if (!item) throw new AssayError(ErrorCode.Internal, `study ${study.id} lost item ${reply[2]}`);
    return { assignmentId: reply[1], item, previous: reply[3] ? (JSON.parse(reply[3]) as StudyAnswer) : undefined };
  }

  /** Answers from outside the app, one per (item, rater): an import repeated replaces, never adds. */
  async importAnswers(study: StudyRecord, answers: readonly StudyAnswer[]): Promise<{ added: number; replaced: number }> {
    const k = this.keys(study.id);
    let added = 0;
    let replaced = 0;
    for (let i = 0; i < answers.length; i += 500) {
      const args = answers.slice(i, i + 500).flatMap((a) => [`${a.itemId}|${a.raterId}`, JSON.stringify(a), a.raterId]);
      const [add, rep] = (await this.redis.eval(IMPORT, 4, k.study, k.answers, k.answered, k.need, ...args)) as number[];
      if (add < 0) throw closedError(study.id);
      added += add;
      replaced += rep;
    }
    return { added, replaced };
  }

  async answers(studyId: string): Promise<StudyAnswer[]> {
    return (await this.redis.hvals(this.keys(studyId).answers)).map((json) => JSON.parse(json) as StudyAnswer);
  }

  async answeredBy(studyId: string, raterId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys(studyId).answered, raterId)) ?? 0);
  }

  async canUndo(studyId: string, raterId: string): Promise<boolean> {
    return (await this.redis.llen(this.keys(studyId).history(raterId))) > 0;
  }

  /** The HMAC key of asset links: the first replica to need it makes it. */
  async linkSecret(): Promise<Buffer> {
    await this.redis.set(this.global.linkSecret, randomBytes(32).toString('hex'), 'NX');
    return Buffer.from((await this.redis.get(this.global.linkSecret))!, 'hex');
  }

  /** The latest calibration of each score in each study, for the agreement gauge. */
  async saveCalibration(studyId: string, entries: readonly { score: string; value: number }[]): Promise<void> {
    if (!entries.length) return;
    await this.redis.hset(this.global.calibration, ...entries.flatMap((e) => [`${e.score}|${studyId}`, String(e.value)]));
  }

  async calibrations(): Promise<{ score: string; studyId: string; value: number }[]> {
    const all = await this.redis.hgetall(this.global.calibration);
    return Object.entries(all).map(([field, value]) => {
      const cut = field.lastIndexOf('|');
      return { score: field.slice(0, cut), studyId: field.slice(cut + 1), value: Number(value) };
    });
  }
}

const closedError = (studyId: string) => new AssayError(ErrorCode.StudyClosed, `study ${studyId} is closed; it takes no more answers`);
