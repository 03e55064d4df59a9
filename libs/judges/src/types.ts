import { ErrorCode } from '@assay/contracts';
import type { JsonSchema } from './json-schema.js';

export interface JudgeImage {
  mimeType: 'image/jpeg' | 'image/png' | 'image/webp';
  data: Uint8Array;
}

export interface JudgeRequest {
  /** names the judge in metrics (`judge` label); keep it to a few fixed names */
  judge: string;
  /** the system message; the client appends the answer schema to it */
  system: string;
  /** the user message's text part */
  text: string;
  /** sent as `image_url` parts with data URLs, after the text */
  images: JudgeImage[];
  /** the answer's JSON schema (an object); `name` goes into `response_format.json_schema.name` */
  answer: { name: string; schema: JsonSchema };
  maxTokens: number;
}

export interface JudgeUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface JudgeResponse {
  /** the parsed answer, checked against the schema */
  answer: Record<string, unknown>;
  /** the model the server says answered, else the configured one */
  model: string;
  /** the attempt that answered */
  requestMs: number;
  /** from the call to the answer: waits for the rate limit, failed attempts and backoff included */
  totalMs: number;
  attempts: number;
  /** of the answering attempt, when the server reported `usage` */
  usage?: JudgeUsage;
}

/** What a metric needs from a judge; `ChatJudgeClient` implements it. */
export interface ImageJudge {
  readonly model: string;
  /** resolves with a valid answer, or rejects with a `JudgeError` */
  judge(request: JudgeRequest): Promise<JudgeResponse>;
}

export type JudgeErrorCode = typeof ErrorCode.JudgeUnavailable | typeof ErrorCode.JudgeInvalidAnswer;

/**
 * The judge gave no usable answer after its retries: `judge_unavailable` (unreachable, timed out, 429/5xx,
 * or a refusing 4xx) or `judge_invalid_answer` (answers that never matched the schema).
 */
export class JudgeError extends Error {
  override name = 'JudgeError';

  constructor(
    readonly code: JudgeErrorCode,
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}
