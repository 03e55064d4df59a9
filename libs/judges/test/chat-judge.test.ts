import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChatJudgeClient,
  chatCompletionsUrl,
  createChatJudgeClient,
  JudgeError,
  type ChatJudgeOptions,
  type JudgeRequest,
} from '@assay/judges';
import { completion, startFakeChatServer, type FakeChatServer, type Reply, type SeenRequest } from './fake-chat-server.js';

const IMAGE = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
const SCHEMA = {
  type: 'object' as const,
  properties: { score: { type: 'number' as const, minimum: 1, maximum: 10 }, reasons: { type: 'string' as const } },
  required: ['score', 'reasons'],
  additionalProperties: false,
};
const request = (over: Partial<JudgeRequest> = {}): JudgeRequest => ({
  judge: 'test',
  system: 'You judge images.',
  text: 'Rate this image of a red bicycle.',
  images: [{ mimeType: 'image/jpeg', data: IMAGE }],
  answer: { name: 'rating', schema: SCHEMA },
  maxTokens: 256,
  ...over,
});
const GOOD = JSON.stringify({ score: 7, reasons: 'sharp, correct colour' });

let server: FakeChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(reply: (req: SeenRequest, index: number) => Reply | Promise<Reply>) {
  server = await startFakeChatServer(reply);
  return server;
}

function client(url: string, over: Partial<ChatJudgeOptions> = {}) {
  const registry = new Registry();
  const judge = new ChatJudgeClient({
    url,
    model: 'test-vlm',
    apiKey: 'sk-test-key',
    timeoutMs: 2000,
    retries: 2,
    maxRps: 1000,
    maxConcurrency: 8,
    backoff: { baseMs: 10, maxMs: 40 },
    registry,
    ...over,
  });
  return { judge, registry };
}

/** `name{labels}` → value, for one metric of the registry. */
async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return {};
  const out: Record<string, number> = {};
  for (const v of (await metric.get()).values) {
    const labels = Object.entries(v.labels)
      .filter(([k]) => k !== 'le')
      .map(([k, l]) => `${k}=${l}`)
      .join(',');
    const key = `${(v as { metricName?: string }).metricName ?? name}{${labels}}`;
    if (!('le' in v.labels)) out[key] = v.value;
  }
  return out;
}

async function rejection(p: Promise<unknown>): Promise<JudgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JudgeError);
  return err as JudgeError;
}

describe('ChatJudgeClient', () => {
  it('sends an OpenAI chat-completions request and returns the validated answer', async () => {
    const s = await serve(() => ({ json: completion(GOOD) }));
    const { judge, registry } = client(s.url);
    const res = await judge.judge(request());

    expect(res.answer).toEqual({ score: 7, reasons: 'sharp, correct colour' });
    expect(res.model).toBe('test-vlm');
    expect(res.attempts).toBe(1);
    expect(res.usage).toEqual({ promptTokens: 120, completionTokens: 30 });
    expect(res.totalMs).toBeGreaterThanOrEqual(res.requestMs);

    expect(s.requests).toHaveLength(1);
    const seen = s.requests[0];
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe('Bearer sk-test-key');
    expect(seen.headers['content-type']).toBe('application/json');
    const body = seen.body;
    expect(body.model).toBe('test-vlm');
    expect(body.temperature).toBe(0);
    expect(body.max_tokens).toBe(256);
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'rating', schema: SCHEMA, strict: true } });
    expect(body.messages).toHaveLength(2);
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[0].content).toContain('You judge images.');
    expect(body.messages[0].content).toContain(JSON.stringify(SCHEMA));
    expect(body.messages[1].role).toBe('user');
    const [text, image] = body.messages[1].content;
    expect(text).toEqual({ type: 'text', text: 'Rate this image of a red bicycle.' });
    expect(image.type).toBe('image_url');
    const url: string = image.image_url.url;
    expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect([...Buffer.from(url.slice('data:image/jpeg;base64,'.length), 'base64')]).toEqual([...IMAGE]);

    expect(await values(registry, 'assay_judge_requests_total')).toEqual({ 'assay_judge_requests_total{judge=test,outcome=ok}': 1 });
    expect(await values(registry, 'assay_judge_tokens_total')).toEqual({
      'assay_judge_tokens_total{judge=test,kind=prompt}': 120,
      'assay_judge_tokens_total{judge=test,kind=completion}': 30,
    });
    const duration = await values(registry, 'assay_judge_request_duration_seconds');
    expect(duration['assay_judge_request_duration_seconds_count{judge=test}']).toBe(1);
    expect(await values(registry, 'assay_judge_retries_total')).toEqual({});
  });

  it('sends no Authorization header without a key', async () => {
    const s = await serve(() => ({ json: completion(GOOD) }));
    await client(s.url, { apiKey: undefined }).judge.judge(request());
    expect(s.requests[0].headers.authorization).toBeUndefined();
  });

  it('accepts an answer in a ```json fence', async () => {
    const s = await serve(() => ({ json: completion('Here is my rating:\n```json\n{"score": 3, "reasons": "blurry"}\n```\n') }));
    const res = await client(s.url).judge.judge(request());
    expect(res.answer).toEqual({ score: 3, reasons: 'blurry' });
  });

  it('retries an answer that breaks the schema, then fails judge_invalid_answer', async () => {
    const s = await serve(() => ({ json: completion(JSON.stringify({ score: 11, reasons: 'too good' })) }));
    const { judge, registry } = client(s.url);
    const err = await rejection(judge.judge(request()));
    expect(err.code).toBe('judge_invalid_answer');
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(/score: 11 is above the maximum 10/);
    expect(err.message).toMatch(/3 attempts/);
    expect(s.requests).toHaveLength(3);
    expect(await values(registry, 'assay_judge_requests_total')).toEqual({
      'assay_judge_requests_total{judge=test,outcome=invalid_answer}': 3,
    });
    expect(await values(registry, 'assay_judge_retries_total')).toEqual({ 'assay_judge_retries_total{judge=test}': 2 });
    // tokens are counted for every attempt: they were spent
    expect((await values(registry, 'assay_judge_tokens_total'))['assay_judge_tokens_total{judge=test,kind=prompt}']).toBe(360);
  });

  it('says when an invalid answer was cut off at max_tokens', async () => {
    const s = await serve(() => ({ json: completion('{"score": 7, "reas', { prompt_tokens: 10, completion_tokens: 256 }, 'length') }));
    const err = await rejection(client(s.url, { retries: 0 }).judge.judge(request()));
    expect(err.code).toBe('judge_invalid_answer');
    expect(err.message).toMatch(/cut off at max_tokens/);
  });

  it('treats a body that is no chat completion as an invalid answer', async () => {
    const s = await serve(() => ({ text: '<html>gateway</html>' }));
    const err = await rejection(client(s.url, { retries: 1 }).judge.judge(request()));
    expect(err.code).toBe('judge_invalid_answer');
    expect(err.message).toMatch(/not JSON/);
    expect(s.requests).toHaveLength(2);
  });

  it('retries a 500 and succeeds', async () => {
    const s = await serve((_, i) =>
      i === 0 ? { status: 500, json: { error: { message: 'CUDA out of memory' } } } : { json: completion(GOOD) },
    );
    const { judge, registry } = client(s.url);
    const res = await judge.judge(request());
    expect(res.attempts).toBe(2);
    expect(res.answer.score).toBe(7);
    expect(await values(registry, 'assay_judge_requests_total')).toEqual({
      'assay_judge_requests_total{judge=test,outcome=http_5xx}': 1,
      'assay_judge_requests_total{judge=test,outcome=ok}': 1,
    });
    expect(await values(registry, 'assay_judge_retries_total')).toEqual({ 'assay_judge_retries_total{judge=test}': 1 });
  });

  it('fails judge_unavailable with the last status after 5xx on every attempt', async () => {
    const s = await serve(() => ({ status: 503, text: 'model loading' }));
    const err = await rejection(client(s.url).judge.judge(request()));
    expect(err.code).toBe('judge_unavailable');
    expect(err.message).toMatch(/HTTP 503: model loading/);
    expect(s.requests).toHaveLength(3);
  });

  it('waits for Retry-After on 429', async () => {
    const s = await serve((_, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' }, json: { error: 'slow down' } } : { json: completion(GOOD) },
    );
    const { judge, registry } = client(s.url);
    const started = performance.now();
    const res = await judge.judge(request());
    const elapsed = performance.now() - started;
    expect(res.attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(3000);
    expect((await values(registry, 'assay_judge_requests_total'))['assay_judge_requests_total{judge=test,outcome=http_429}']).toBe(1);
  });

  it('gives up at once when Retry-After is longer than it waits', async () => {
    const s = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' }, text: '' }));
    const err = await rejection(client(s.url, { maxRetryAfterMs: 5000 }).judge.judge(request()));
    expect(err.code).toBe('judge_unavailable');
    expect(err.message).toMatch(/Retry-After 3600 s/);
    expect(s.requests).toHaveLength(1);
  });

  it('does not retry other 4xx', async () => {
    const s = await serve(() => ({ status: 401, json: { error: { message: 'invalid api key' } } }));
    const { judge, registry } = client(s.url);
    const err = await rejection(judge.judge(request()));
    expect(err.code).toBe('judge_unavailable');
    expect(err.message).toMatch(/HTTP 401/);
    expect(err.attempts).toBe(1);
    expect(s.requests).toHaveLength(1);
    expect(await values(registry, 'assay_judge_requests_total')).toEqual({ 'assay_judge_requests_total{judge=test,outcome=http_4xx}': 1 });
  });

  it('times out a hanging server, closes its sockets and fails judge_unavailable', async () => {
    const s = await serve(() => 'hang');
    const { judge, registry } = client(s.url, { timeoutMs: 200, retries: 1 });
    const started = performance.now();
    const err = await rejection(judge.judge(request()));
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(err.code).toBe('judge_unavailable');
    expect(err.message).toMatch(/no complete answer within 200 ms/);
    expect(s.requests).toHaveLength(2);
    // the client hung up: the connections the requests came on are closed (not left to the server)
    const deadline = performance.now() + 1000;
    while (s.openRequestSockets() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(s.openRequestSockets()).toBe(0);
    expect(await values(registry, 'assay_judge_requests_total')).toEqual({ 'assay_judge_requests_total{judge=test,outcome=timeout}': 2 });
  });

  it('fails judge_unavailable when the connection is refused', async () => {
    // a port that was just free: bind, note it, close
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { judge, registry } = client(`http://127.0.0.1:${port}`, { retries: 1 });
    const err = await rejection(judge.judge(request()));
    expect(err.code).toBe('judge_unavailable');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.attempts).toBe(2);
    expect(await values(registry, 'assay_judge_requests_total')).toEqual({ 'assay_judge_requests_total{judge=test,outcome=network}': 2 });
  });

  it('keeps to the request rate: N requests take at least (N − burst) / rps seconds', async () => {
    const s = await serve(() => ({ json: completion(GOOD) }));
    const { judge } = client(s.url, { maxRps: 10, burst: 2, maxConcurrency: 16 });
    const n = 8;
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, () => judge.judge(request())));
    const seconds = (performance.now() - started) / 1000;
    // a behaviour check with slack for timers, not a benchmark
    expect(seconds).toBeGreaterThanOrEqual((n - 2) / 10 - 0.05);
    expect(seconds).toBeLessThan((n - 2) / 10 + 1.5);
    expect(s.requests).toHaveLength(n);
  });

  it('never has more than maxConcurrency requests at the server', async () => {
    const s = await serve(() => ({ json: completion(GOOD), delayMs: 150 }));
    const { judge } = client(s.url, { maxConcurrency: 3 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 9 }, () => judge.judge(request())));
    expect(s.maxInFlight).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 150 - 10);
  });

  it('refuses an answer schema outside the supported subset without sending anything', async () => {
    const s = await serve(() => ({ json: completion(GOOD) }));
    const bad = { type: 'object' as const, properties: { score: { type: 'number' as const, pattern: '^x' } as never } };
    await expect(client(s.url).judge.judge(request({ answer: { name: 'x', schema: bad } }))).rejects.toThrow(
      /keyword "pattern" is not supported/,
    );
    expect(s.requests).toHaveLength(0);
  });

  it('shares its metrics when two clients use one registry', async () => {
    const s = await serve(() => ({ json: completion(GOOD) }));
    const registry = new Registry();
    const opts = { url: s.url, model: 'm', timeoutMs: 1000, retries: 0, maxRps: 100, maxConcurrency: 2, registry };
    await new ChatJudgeClient(opts).judge(request());
    await new ChatJudgeClient(opts).judge(request());
    expect(await values(registry, 'assay_judge_requests_total')).toEqual({ 'assay_judge_requests_total{judge=test,outcome=ok}': 2 });
  });
});

describe('chatCompletionsUrl', () => {
  it('appends the path to a base, keeps a full URL', () => {
    expect(chatCompletionsUrl('http://vllm:8000')).toBe('http://vllm:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://vllm:8000/')).toBe('http://vllm:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://ollama:11434/v1/')).toBe('http://ollama:11434/v1/chat/completions');
    expect(chatCompletionsUrl('https://gw.example/tenant/a/v1/chat/completions')).toBe('https://gw.example/tenant/a/v1/chat/completions');
    expect(chatCompletionsUrl('https://gw.example/judge')).toBe('https://gw.example/judge/v1/chat/completions');
  });
});

describe('createChatJudgeClient', () => {
  it('is undefined without a configured judge, a client with one', () => {
    expect(createChatJudgeClient({ vlmJudge: undefined })).toBeUndefined();
    const c = createChatJudgeClient({
      vlmJudge: {
        url: 'http://vllm:8000',
        model: 'Qwen/Qwen2.5-VL-7B-Instruct',
        timeoutMs: 30_000,
        retries: 3,
        maxRps: 5,
        maxConcurrency: 4,
      },
    });
    expect(c).toBeInstanceOf(ChatJudgeClient);
    expect(c?.url).toBe('http://vllm:8000/v1/chat/completions');
    expect(c?.model).toBe('Qwen/Qwen2.5-VL-7B-Instruct');
  });
});
