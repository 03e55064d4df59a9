import type { ErrorCode, FieldIssue } from '@assay/contracts';
import { ServiceError } from './errors.js';

/** The ingest API's error body (services/ingest error filter). */
interface ErrorEnvelope {
  error?: { code?: ErrorCode; message?: string; details?: FieldIssue[] };
  requestId?: string;
}

/** An answer of the API other than 2xx, with its stable code. */
export class ApiError extends ServiceError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code} (${status}): ${reason}`);
  }
}

export interface RequestOptions {
  contentType?: string;
  /**
   * Safe to send again: GETs, uploads (the same bytes are a duplicate), asset submissions (the asset id is the
   * idempotency key) and close. Creating a run is not: a retry could make two.
   */
  idempotent?: boolean;
  /** the answer's body as text (an HTML report), not parsed as JSON */
  text?: boolean;
}

/** Transient answers worth another attempt. */
const RETRY_STATUS = new Set([429, 502, 503, 504]);

export interface ClientOptions {
  /** attempts of an idempotent request on network errors and 429/502/503/504 */
  attempts?: number;
  /** first backoff; doubles per attempt; a Retry-After header (seconds, at most 30) takes its place */
  backoffMs?: number;
  /** a request without an answer in this time is abandoned (and retried when idempotent) */
  requestTimeoutMs?: number;
}

export class AssayClient {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly requestTimeoutMs: number;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    options: ClientOptions = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 500;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  }

  async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}` };
    let payload: Uint8Array | string | undefined;
    if (body instanceof Uint8Array) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const attempts = options.idempotent ? this.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(this.requestTimeoutMs) });
      } catch (err) {
        if (attempt < attempts) {
          await sleep(this.backoffMs * 2 ** (attempt - 1));
          continue;
        }
        throw new ServiceError(
          `cannot reach Assay at ${this.baseUrl} (${networkReason(err)}); is it running? (npm start, or set ASSAY_URL)`,
        );
      }
      const text = await res.text();
      if (res.ok) return (options.text ? text : text ? JSON.parse(text) : undefined) as T;
      if (RETRY_STATUS.has(res.status) && attempt < attempts) {
        const retryAfter = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : this.backoffMs * 2 ** (attempt - 1));
        continue;
      }
      throw apiError(res.status, text);
    }
  }
}

function apiError(status: number, text: string): ApiError {
  let envelope: ErrorEnvelope | undefined;
  try {
    envelope = JSON.parse(text) as ErrorEnvelope;
  } catch {
    // not the API's JSON (a proxy's page): keep the text
  }
  const e = envelope?.error;
  const details = e?.details?.length ? `: ${e.details.map((d) => `${d.path}: ${d.message}`).join('; ')}` : '';
  return new ApiError(status, e?.code ?? 'http_error', `${e?.message ?? (text.trim().slice(0, 200) || `HTTP ${status}`)}${details}`);
}

function networkReason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
