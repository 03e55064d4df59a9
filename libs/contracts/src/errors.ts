/**
 * Stable error codes. API errors answer with `{ error: { code, message, details } }`; failed jobs carry the
 * code as their failure reason. docs/errors.md lists every code; a test keeps the two in step.
 */
export const ErrorCode = {
  // request shape
  InvalidJson: 'invalid_json',
  ValidationFailed: 'validation_failed',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  TooManyAssets: 'too_many_assets',
  ModalityNotEnabled: 'modality_not_enabled',
  UnknownSuite: 'unknown_suite',
  UriNotAllowed: 'uri_not_allowed',
  EmptyContent: 'empty_content',
  NotFound: 'not_found',
  RunNotFound: 'run_not_found',
  AssetNotFound: 'asset_not_found',
  RunClosed: 'run_closed',
  AssetConflict: 'asset_conflict',
  QueueNotFound: 'queue_not_found',
  MetricNotFound: 'metric_not_found',
  // comparisons
  ComparisonNotFound: 'comparison_not_found',
  ComparisonNotReady: 'comparison_not_ready',
  RunNotClosed: 'run_not_closed',
  RunsNotComparable: 'runs_not_comparable',
  EmptyRun: 'empty_run',
  NoSharedScores: 'no_shared_scores',
  UnknownPolicy: 'unknown_policy',
  PolicyNotFound: 'policy_not_found',
  PolicyInvalid: 'policy_invalid',
  // distribution metrics
  /** two embedding sets from different feature extractors (or dimensions): their distances mean nothing */
  EmbeddingMismatch: 'embedding_mismatch',
  NotEnoughEmbeddings: 'not_enough_embeddings',
  NoEmbeddings: 'no_embeddings',
  ReferenceSetNotFound: 'reference_set_not_found',
  ReferenceSetExists: 'reference_set_exists',
  /** the run is closed but its post-close run-level metrics are not done yet */
  RunMetricsPending: 'run_metrics_pending',
  // sweeps
  SweepNotFound: 'sweep_not_found',
  /** the sweep's date already has a run in progress or done (a failed one may be triggered again) */
  SweepRunExists: 'sweep_run_exists',
  SweepManifestMissing: 'sweep_manifest_missing',
  SweepManifestInvalid: 'sweep_manifest_invalid',
  /** an asset of a sweep run had no result by the sweep's deadline */
  SweepDeadlineExceeded: 'sweep_deadline_exceeded',
  // human evaluation studies
  StudyNotFound: 'study_not_found',
  /** the study is closed: no more answers, invites or imports */
  StudyClosed: 'study_closed',
  /** the runs give the protocol nothing to rate (e.g. no prompt shared by two runs for pairwise) */
  StudyEmpty: 'study_empty',
  /** a rater token that was never issued, or one for another study */
  RaterTokenInvalid: 'rater_token_invalid',
  /** a rater token past its expiry */
  RaterTokenExpired: 'rater_token_expired',
  /** an answer for a task that is not the rater's (another rater's, a released lease, an unknown id) */
  ItemNotAssigned: 'item_not_assigned',
  /** an answer that does not fit the protocol (a missing dimension, a tie where ties are not allowed) */
  AnswerInvalid: 'answer_invalid',
  /** a rater app asset link that is forged, altered or expired */
  AssetLinkInvalid: 'asset_link_invalid',
  /** a Label Studio export that cannot be read into the study */
  LabelStudioInvalid: 'label_studio_invalid',
  // experiments
  ExperimentNotFound: 'experiment_not_found',
  /** events or an import for a stopped experiment */
  ExperimentStopped: 'experiment_stopped',
  /** an event for a variant the experiment does not have */
  UnknownVariant: 'unknown_variant',
  /** an imported row that is not a valid event (counted per code in the import; never a whole-import failure) */
  EventInvalid: 'event_invalid',
  ImportNotFound: 'import_not_found',
  /** an import source that cannot be read: no such object or prefix, not NDJSON or Parquet, a missing column */
  ImportSourceInvalid: 'import_source_invalid',
  /** the causal analysis has too few joined assets, or too few treated or control ones */
  NotEnoughAssets: 'not_enough_assets',
  /** confounders that are linear combinations of others (or constant): the adjustment is not identified */
  DesignSingular: 'design_singular',
  /** treated and control assets do not overlap in their propensities: nothing is left after trimming */
  NoOverlap: 'no_overlap',
  /** the confounders predict the treatment perfectly (separation): the propensity model has no maximum */
  PropensitySeparation: 'propensity_separation',
  // authentication
  AuthRequired: 'auth_required',
  InvalidApiKey: 'invalid_api_key',
  HookNotConfigured: 'hook_not_configured',
  HookSignatureMissing: 'hook_signature_missing',
  HookSignatureInvalid: 'hook_signature_invalid',
  HookTimestampStale: 'hook_timestamp_stale',
  HookReplayed: 'hook_replayed',
  // dependencies
  RedisUnavailable: 'redis_unavailable',
  StorageUnavailable: 'storage_unavailable',
  // job failures
  DecodeError: 'decode_error',
  ImageTooLarge: 'image_too_large',
  // video and audio: refused from the probe before decoding, and held again while decoding (a header can lie)
  ContainerUnreadable: 'container_unreadable',
  NoVideoStream: 'no_video_stream',
  NoAudioStream: 'no_audio_stream',
  EmptyStream: 'empty_stream',
  UnsupportedCodec: 'unsupported_codec',
  DurationTooLong: 'duration_too_long',
  AudioTooLarge: 'audio_too_large',
  ResolutionTooLarge: 'resolution_too_large',
  TooManyFrames: 'too_many_frames',
  /** ffmpeg or ffprobe did not finish within MEDIA_TIMEOUT_MS and was killed */
  DecodeTimeout: 'decode_timeout',
  FileTooLarge: 'file_too_large',
  // 3D assets: refused from headers and accessor counts before parsing, parsed in a thread that can be killed
  UnsupportedMeshFormat: 'unsupported_mesh_format',
  MeshUnreadable: 'mesh_unreadable',
  MeshTooLarge: 'mesh_too_large',
  /** parsing did not finish within MESH_PARSE_TIMEOUT_MS and its thread was terminated */
  MeshParseTimeout: 'mesh_parse_timeout',
  /** a URI pointing outside the asset (http(s), absolute or `..` paths): never fetched */
  ExternalResourceRefused: 'external_resource_refused',
  TextureUnreadable: 'texture_unreadable',
  /** a .zip bundle with too many entries, too many bytes, a suspicious compression ratio or an escaping path */
  BundleInvalid: 'bundle_invalid',
  SourceNotFound: 'source_not_found',
  ContentMissing: 'content_missing',
  InferenceError: 'inference_error',
  MetricNotApplicable: 'metric_not_applicable',
  ReferenceSizeMismatch: 'reference_size_mismatch',
  ReferenceMissing: 'reference_missing',
  ModelUnavailable: 'model_unavailable',
  MetricError: 'metric_error',
  JudgeUnavailable: 'judge_unavailable',
  JudgeInvalidAnswer: 'judge_invalid_answer',
  InvalidPayload: 'invalid_payload',
  Internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

/** HTTP status for each code the API can answer with. */
export const HTTP_STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  invalid_json: 400,
  validation_failed: 400,
  too_many_assets: 400,
  modality_not_enabled: 400,
  unknown_suite: 400,
  uri_not_allowed: 400,
  empty_content: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  run_not_found: 404,
  asset_not_found: 404,
  queue_not_found: 404,
  metric_not_found: 404,
  comparison_not_found: 404,
  comparison_not_ready: 409,
  experiment_not_found: 404,
  experiment_stopped: 409,
  unknown_variant: 422,
  import_not_found: 404,
  import_source_invalid: 400,
  not_enough_assets: 422,
  design_singular: 422,
  no_overlap: 422,
  propensity_separation: 422,
  run_not_closed: 409,
  runs_not_comparable: 400,
  empty_run: 400,
  no_shared_scores: 400,
  unknown_policy: 400,
  policy_not_found: 404,
  policy_invalid: 400,
  embedding_mismatch: 400,
  not_enough_embeddings: 400,
  no_embeddings: 400,
  reference_set_not_found: 404,
  reference_set_exists: 409,
  run_metrics_pending: 409,
  sweep_not_found: 404,
  sweep_run_exists: 409,
  run_closed: 409,
  asset_conflict: 409,
  study_not_found: 404,
  study_closed: 409,
  study_empty: 400,
  rater_token_invalid: 401,
  rater_token_expired: 401,
  item_not_assigned: 409,
  answer_invalid: 400,
  asset_link_invalid: 403,
  label_studio_invalid: 400,
  auth_required: 401,
  invalid_api_key: 403,
  hook_signature_missing: 401,
  hook_signature_invalid: 401,
  hook_timestamp_stale: 401,
  hook_replayed: 409,
  hook_not_configured: 503,
  redis_unavailable: 503,
  storage_unavailable: 503,
  internal_error: 500,
};

/** The codes the API answers with: the values of the `code` label of `assay_requests_rejected_total`. */
export const API_ERROR_CODES = Object.keys(HTTP_STATUS_BY_CODE) as readonly ErrorCode[];

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error that knows its stable code; thrown anywhere, mapped to HTTP or a job failure at the edge. */
export class AssayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
    this.name = 'AssayError';
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code] ?? 500;
  }
}

/** Bad input: retrying cannot help, so workers fail these at once. */
export const PERMANENT_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.DecodeError,
  ErrorCode.ImageTooLarge,
  ErrorCode.ContainerUnreadable,
  ErrorCode.NoVideoStream,
  ErrorCode.NoAudioStream,
  ErrorCode.EmptyStream,
  ErrorCode.UnsupportedCodec,
  ErrorCode.DurationTooLong,
  ErrorCode.AudioTooLarge,
  ErrorCode.ResolutionTooLarge,
  ErrorCode.TooManyFrames,
  // a file that hangs ffmpeg hangs it again: failing at once keeps it from holding a worker three times
  ErrorCode.DecodeTimeout,
  ErrorCode.FileTooLarge,
  ErrorCode.UnsupportedMeshFormat,
  ErrorCode.MeshUnreadable,
  ErrorCode.MeshTooLarge,
  ErrorCode.MeshParseTimeout,
  ErrorCode.ExternalResourceRefused,
  ErrorCode.TextureUnreadable,
  ErrorCode.BundleInvalid,
  ErrorCode.EmptyContent,
  ErrorCode.SourceNotFound,
  ErrorCode.ContentMissing,
  ErrorCode.InvalidPayload,
  ErrorCode.ModalityNotEnabled,
  ErrorCode.UnknownSuite,
  ErrorCode.ReferenceMissing,
  ErrorCode.ModelUnavailable,
]);

/** Every reason an asset can fail with: bad input, and the transient faults that outlast their retries. */
export const JOB_FAILURE_CODES: readonly ErrorCode[] = [
  ...PERMANENT_FAILURES,
  ErrorCode.StorageUnavailable,
  ErrorCode.InferenceError,
  ErrorCode.Internal,
];
