/**
 * Redis keys of one study. The study id is a hash tag, so the Lua scripts that assign and record answers touch
 * one slot (they also name per-rater keys built from it, which share that slot).
 */
export function studyKeys(prefix: string, studyId: string) {
  const base = `${prefix}:study:{${studyId}}`;
  return {
    /** hash: record (StudyRecord JSON), status (open|closed) */
    study: base,
    /** hash: itemId → StudyItem JSON (gold items with their expected answers) */
    items: `${base}:items`,
    /** sorted set: regular itemId → raters it is assigned to (answered or leased); picked lowest first */
    need: `${base}:need`,
    /** set: gold item ids */
    gold: `${base}:gold`,
    /** hash: raterId → RaterRecord JSON */
    raters: `${base}:raters`,
    /** hash: raterId → answers given (the app's and imported ones) */
    answered: `${base}:answered`,
    /** hash: raterId → the assignment on the rater's screen */
    current: `${base}:current`,
    /** hash: assignmentId → `<itemId>|<raterId>|<served at, ms>` */
    assignments: `${base}:asg`,
    /** sorted set: open assignmentId → lease expiry (ms) */
    leases: `${base}:leases`,
    /** hash: `<itemId>|<raterId>` → StudyAnswer JSON: one answer per rater and item, whatever is resubmitted */
    answers: `${base}:answers`,
    /** set per rater: items served to them (never served twice) */
    seen: (raterId: string) => `${base}:seen:${raterId}`,
    /** list per rater: assignment ids answered in the app, oldest first (undo pops the last) */
    history: (raterId: string) => `${base}:hist:${raterId}`,
    /** the prefix of the per-rater keys, for the scripts that release another rater's lease */
    seenPrefix: `${base}:seen:`,
  };
}
export type StudyKeys = ReturnType<typeof studyKeys>;

export const studyGlobalKeys = (prefix: string) => ({
  /** sorted set: study ids by creation time */
  index: `${prefix}:studies:index`,
  /** hash: sha256(rater token) → `<studyId>|<raterId>` */
  tokens: `${prefix}:studies:tokens`,
  /** string: the HMAC key of rater asset links, made once and shared by every replica */
  linkSecret: `${prefix}:studies:link-secret`,
  /** hash: `<score>|<studyId>` → the latest calibration of the score in that study (JSON), for the gauge */
  calibration: `${prefix}:studies:calibration`,
});
