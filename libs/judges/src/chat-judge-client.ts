import type { VlmJudgeConfig } from '@assay/config';
import { ErrorCode } from '@assay/contracts';
import type { Registry } from 'prom-client';
import { messageText, parseAnswer } from './answer.js';
import { backoffMs, DEFAULT_BACKOFF, parseRetryAfter, type BackoffOptions } from './backoff.js';
import { schemaProblems, type JsonSchema } from './json-schema.js';
import { JudgeMetrics, type AttemptOutcome } from './judge-metrics.js';
import { RateLimiter } from './rate-limit.js';
import { JudgeError, type ImageJudge, type JudgeRequest, type JudgeResponse, type JudgeUsage } from './types.js';

/** The configured endpoint and limits (VLM_JUDGE_*), and what tests and tools may tune besides. */
export interface ChatJudgeOptions extends VlmJudgeConfig {
  /** token-bucket size; default one second's worth of `maxRps` */
  burst?: number;
  backoff?: BackoffOptions;
  /** a `Retry-After` longer than this ends the retries instead of holding a job (default 60 s) */
  maxRetryAfterMs?: number;
  /** larger responses are refused unread (default 1 MiB) */
  maxResponseBytes?: number;
  /** where the `assay_judge_*` metrics go; default a private registry */
  registry?: Registry;
}

type Attempt =
  | { ok: true; answer: Record<string, unknown>; model?: string; usage?: JudgeUsage; ms: number }
  | { ok: false; outcome: Exclude<AttemptOutcome, 'ok'>; retryable: boolean; message: string; retryAfterMs?: number };

type Completion = { answer?: Record<string, unknown>; reason?: string; model?: string; usage?: JudgeUsage };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class ResponseTooLarge extends Error {}

/** `…/chat/completions` as given; a base ending in `/v1` (Ollama's documented base) gets `/chat/completions`; any other base `/v1/chat/completions`. */
export function chatCompletionsUrl(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) u.pathname = path;
  else if (path.endsWith('/v1')) u.pathname = `${path}/chat/completions`;
  else u.pathname = `${path}/v1/chat/completions`;
  return u.toString();
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ResponseTooLarge(`the response is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readUsage(usage: unknown): JudgeUsage | undefined {
  const u = usage as { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined;
  if (typeof u?.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return undefined;
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
}

/** The answer inside an OpenAI chat-completion body, or why there is none. */
function readCompletion(text: string, schema: JsonSchema): Completion {
  let body: {
    model?: unknown;
    usage?: unknown;
    choices?: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[];
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { reason: `the response is not JSON: ${JSON.stringify(text.slice(0, 120))}` };
  }
  const model = typeof body?.model === 'string' ? body.model : undefined;
  const usage = readUsage(body?.usage);
  const choice = Array.isArray(body?.choices) ? body.choices[0] : undefined;
  if (!choice) return { reason: 'the response has no choices', model, usage };
  const content = messageText(choice.message?.content);
  if (content === undefined) {
    const refusal = choice.message?.refusal;
    return {
      reason: typeof refusal === 'string' ? `the model refused: ${refusal.slice(0, 200)}` : 'the message has no text content',
      model,
      usage,
    };
  }
  const parsed = parseAnswer(content, schema);
  if (parsed.ok) return { answer: parsed.answer, model, usage };
  const cut = choice.finish_reason === 'length' ? ' (the answer was cut off at max_tokens)' : '';
  return { reason: `the answer ${parsed.reason}${cut}`, model, usage };
}

function networkMessage(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * A judge over an OpenAI-compatible `POST /v1/chat/completions` (vLLM, TGI, Ollama). Create one per process
 * and share it: its rate limit (token bucket + in-flight cap) covers every request it sends, retries
 * included. Each attempt has its own timeout; timeouts, network errors, 429, 5xx and invalid answers are
 * retried with exponential backoff and jitter (`Retry-After` honoured); any other 4xx is final at once.
 */
export class ChatJudgeClient implements ImageJudge {
  readonly url: string;
  readonly model: string;
  private readonly limiter: RateLimiter;
  private readonly metrics: JudgeMetrics;
  private readonly backoff: BackoffOptions;
  private readonly headers: Record<string, string>;
  /** for messages: the host only, never credentials in the URL */
  private readonly where: string;

  constructor(private readonly options: ChatJudgeOptions) {
    this.url = chatCompletionsUrl(options.url);
    this.where = new URL(this.url).host;
    this.model = options.model;
    this.limiter = new RateLimiter({ rps: options.maxRps, burst: options.burst, maxConcurrency: options.maxConcurrency });
    this.metrics = new JudgeMetrics(options.registry);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
  }

  async judge(request: JudgeRequest): Promise<JudgeResponse> {
    const { schema } = request.answer;
    const problems = schemaProblems(schema);
    if (schema.type !== 'object') problems.unshift('the answer schema must have type "object"');
    // a configuration bug, not a judge failure: a plain error (the metric reports metric_error)
    if (problems.length) throw new Error(`answer schema: ${problems.join('; ')}`);
    const body = JSON.stringify(this.requestBody(request));
    const judge = this.metrics.label(request.judge);
    const started = performance.now();
    const maxRetryAfterMs = this.options.maxRetryAfterMs ?? 60_000;
    let attempts = 0;
    let failure: Extract<Attempt, { ok: false }> | undefined;
    for (;;) {
      attempts++;
      const result = await this.attempt(body, schema, judge);
      if (result.ok) {
        return {
          answer: result.answer,
          model: result.model ?? this.model,
          requestMs: result.ms,
          totalMs: performance.now() - started,
          attempts,
          usage: result.usage,
        };
      }
      failure = result;
      if (!result.retryable || attempts > this.options.retries) break;
      let delay = backoffMs(attempts, this.backoff);
      if (result.retryAfterMs !== undefined) {
        if (result.retryAfterMs > maxRetryAfterMs) {
          failure = {
            ...result,
            message: `${result.message}; Retry-After ${Math.round(result.retryAfterMs / 1000)} s is longer than this client waits`,
          };
          break;
        }
        delay = Math.max(delay, result.retryAfterMs);
      }
      this.metrics.retries.inc({ judge });
      await sleep(delay);
    }
    const code = failure.outcome === 'invalid_answer' ? ErrorCode.JudgeInvalidAnswer : ErrorCode.JudgeUnavailable;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    throw new JudgeError(code, `judge at ${this.where} (${this.model}): ${failure.message} (${tries})`, attempts);
  }

  private requestBody(request: JudgeRequest) {
    const { schema } = request.answer;
    return {
      model: this.model,
      messages: [
        {
          role: 'system',
          // servers that ignore response_format still see the schema
          content: `${request.system}\n\nAnswer with one JSON object and nothing else, matching this JSON schema:\n${JSON.stringify(schema)}`,
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: request.text },
            ...request.images.map((img) => ({
              type: 'image_url',
              image_url: { url: `data:${img.mimeType};base64,${Buffer.from(img.data).toString('base64')}` },
            })),
          ],
        },
      ],
      temperature: 0,
      max_tokens: request.maxTokens,
      stream: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: request.answer.name.replace(/[^\w-]/g, '_').slice(0, 64) || 'answer', schema, strict: true },
      },
    };
  }

  private async attempt(body: string, schema: JsonSchema, judge: string): Promise<Attempt> {
    const release = await this.limiter.acquire();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    const start = performance.now();
    let result: Attempt;
    try {
      result = await this.send(body, schema, judge, abort.signal, start);
    } catch (err) {
      if (abort.signal.aborted)
        result = { ok: false, outcome: 'timeout', retryable: true, message: `no complete answer within ${this.options.timeoutMs} ms` };
      else if (err instanceof ResponseTooLarge) result = { ok: false, outcome: 'invalid_answer', retryable: true, message: err.message };
      else result = { ok: false, outcome: 'network', retryable: true, message: `request failed: ${networkMessage(err)}` };
    } finally {
      clearTimeout(timer);
      // a response not read to its end must not keep its connection open
      if (!abort.signal.aborted) abort.abort();
      release();
    }
    this.metrics.duration.observe({ judge }, (performance.now() - start) / 1000);
    this.metrics.requests.inc({ judge, outcome: result.ok ? 'ok' : result.outcome });
    return result;
  }

  private async send(body: string, schema: JsonSchema, judge: string, signal: AbortSignal, start: number): Promise<Attempt> {
    const res = await fetch(this.url, { method: 'POST', headers: this.headers, body, signal });
    if (!res.ok) {
      const detail = (await readCapped(res, 4096).catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
      const message = `HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
      if (res.status === 429)
        return { ok: false, outcome: 'http_429', retryable: true, message, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
      if (res.status >= 500)
        return { ok: false, outcome: 'http_5xx', retryable: true, message, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
      // bad key, unknown model, request refused: sending it again cannot help
      return { ok: false, outcome: 'http_4xx', retryable: false, message };
    }
    const completion = readCompletion(await readCapped(res, this.options.maxResponseBytes ?? 1024 * 1024), schema);
    if (completion.usage) {
      this.metrics.tokens.inc({ judge, kind: 'prompt' }, completion.usage.promptTokens);
      this.metrics.tokens.inc({ judge, kind: 'completion' }, completion.usage.completionTokens);
    }
    if (!completion.answer) return { ok: false, outcome: 'invalid_answer', retryable: true, message: completion.reason ?? 'no answer' };
    return { ok: true, answer: completion.answer, model: completion.model, usage: completion.usage, ms: performance.now() - start };
  }
}
