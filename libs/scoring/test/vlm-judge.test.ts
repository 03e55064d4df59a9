import sharp from 'sharp';
import { Registry } from 'prom-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatJudgeClient } from '@assay/judges';
import { decodeImage, type DecodedImage } from '@assay/media';
import { evaluate, MetricRegistry, type MetricContext, type ModelRunner } from '@assay/scoring';
import { completion, startFakeChatServer, type FakeChatServer, type Reply, type SeenRequest } from '../../judges/test/fake-chat-server.js';
import { pngOf, texturedRgb } from '../../../test/helpers/images.js';

const noModels: ModelRunner = { run: () => Promise.reject(new Error('no model in this test')) };
const limits = { maxBytes: 1e8, maxPixels: 1e8 };

let registry: MetricRegistry;
let large: DecodedImage;
let small: DecodedImage;
let server: FakeChatServer | undefined;

beforeAll(async () => {
  registry = await MetricRegistry.load();
  large = await decodeImage(await pngOf(texturedRgb(1600, 1200, 3), 1600, 1200), limits);
  small = await decodeImage(await pngOf(texturedRgb(300, 200, 4), 300, 200), limits);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function judgeAt(
  reply: (req: SeenRequest, i: number) => Reply,
  retries = 1,
): Promise<{ ctx: MetricContext; server: FakeChatServer }> {
  server = await startFakeChatServer(reply);
  const vlm = new ChatJudgeClient({
    url: server.url,
    model: 'test-vlm',
    timeoutMs: 2000,
    retries,
    maxRps: 1000,
    maxConcurrency: 4,
    backoff: { baseMs: 5, maxMs: 10 },
    registry: new Registry(),
  });
  return { ctx: { models: noModels, file: (p) => p, judges: { vlm } }, server };
}

const suite = (metrics: { metric: string; params?: Record<string, unknown> }[]) =>
  registry.resolveSuite({ name: 'test', source: 'test', metrics: metrics.map((m) => ({ params: {}, thresholds: {}, ...m })) }).metrics;

/** The image the judge received, decoded from the request's data URL. */
async function sentImage(req: SeenRequest) {
  const url: string = req.body.messages[1].content[1].image_url.url;
  expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
  return sharp(Buffer.from(url.slice('data:image/jpeg;base64,'.length), 'base64')).metadata();
}

describe('vlm_judge', () => {
  it('scores through the judge: raw and normalized score, details, the request it sent', async () => {
    const { ctx, server: s } = await judgeAt(() => ({
      json: completion(JSON.stringify({ score: 8, reasons: 'the bicycle is red and well lit' })),
    }));
    const input = { image: large, prompt: 'a red bicycle against a brick wall', attributes: {} };
    const ev = await evaluate(suite([{ metric: 'vlm_judge' }]), input, ctx);

    expect(ev.scores['vlm_judge.score']).toBe(8);
    expect(ev.scores['vlm_judge.score_normalized']).toBeCloseTo(7 / 9, 12);
    const outcome = ev.outcomes[0];
    expect(outcome.status).toBe('ok');
    expect(outcome.details).toMatchObject({
      judge: 'vlm',
      model: 'test-vlm',
      answer: { score: 8, reasons: 'the bicycle is red and well lit' },
      attempts: 1,
      tokens: { prompt: 120, completion: 30 },
      image: { width: 768, height: 576 },
    });
    expect(outcome.details!.latencyMs).toEqual(expect.any(Number));

    expect(s.requests).toHaveLength(1);
    const body = s.requests[0].body;
    expect(body.model).toBe('test-vlm');
    expect(body.max_tokens).toBe(512);
    expect(body.messages[1].content[0].text).toContain('"a red bicycle against a brick wall"');
    expect(body.messages[1].content[0].text).not.toContain('{{');
    // scoreRange bounds the score field of the schema the server constrains decoding with
    expect(body.response_format.json_schema.schema.properties.score).toMatchObject({ type: 'number', minimum: 1, maximum: 10 });
    // downscaled to maxImageSide (768) on the longer side, aspect kept
    expect(await sentImage(s.requests[0])).toMatchObject({ format: 'jpeg', width: 768, height: 576 });
  });

  it('never enlarges a small image, and honours maxImageSide', async () => {
    const { ctx, server: s } = await judgeAt(() => ({ json: completion('{"score": 5, "reasons": "ok"}') }));
    await evaluate(suite([{ metric: 'vlm_judge' }]), { image: small, prompt: 'p', attributes: {} }, ctx);
    expect(await sentImage(s.requests[0])).toMatchObject({ width: 300, height: 200 });
    await evaluate(suite([{ metric: 'vlm_judge', params: { maxImageSide: 256 } }]), { image: large, prompt: 'p', attributes: {} }, ctx);
    expect(await sentImage(s.requests[1])).toMatchObject({ width: 256, height: 192 });
  });

  it('fills {{prompt}} and {{attributes.<key>}} in the rubric; a missing value makes it not applicable', async () => {
    const { ctx, server: s } = await judgeAt(() => ({ json: completion('{"score": 60, "reasons": "fine"}') }));
    const metrics = suite([
      {
        metric: 'vlm_judge',
        params: {
          rubric: 'Product: {{attributes.category}} / {{ attributes.brand }}. Prompt: {{prompt}}. Rate 0–100.',
          scoreRange: [0, 100],
          judge: 'product-judge',
          answerSchema: {
            type: 'object',
            properties: { score: { type: 'integer' }, reasons: { type: 'string' } },
            required: ['score'],
            additionalProperties: false,
          },
        },
      },
    ]);
    const ev = await evaluate(metrics, { image: small, prompt: 'a teapot', attributes: { category: 'kitchen', brand: 'Acme' } }, ctx);
    expect(s.requests[0].body.messages[1].content[0].text).toBe('Product: kitchen / Acme. Prompt: a teapot. Rate 0–100.');
    expect(s.requests[0].body.response_format.json_schema.schema.properties.score).toEqual({ type: 'integer', minimum: 0, maximum: 100 });
    expect(ev.scores['vlm_judge.score']).toBe(60);
    expect(ev.scores['vlm_judge.score_normalized']).toBeCloseTo(0.6, 12);
    expect(ev.outcomes[0].details).toMatchObject({ judge: 'product-judge' });

    const missing = await evaluate(metrics, { image: small, prompt: 'a teapot', attributes: { category: 'kitchen' } }, ctx);
    expect(missing.outcomes[0]).toMatchObject({
      status: 'not_applicable',
      reason: { code: 'metric_not_applicable', message: expect.stringContaining('{{attributes.brand}}') },
    });
    expect(s.requests).toHaveLength(1);
  });

  it('is not applicable without a configured judge', async () => {
    const ev = await evaluate(
      suite([{ metric: 'vlm_judge' }]),
      { image: small, prompt: 'p', attributes: {} },
      { models: noModels, file: (p) => p },
    );
    expect(ev.outcomes[0]).toMatchObject({
      status: 'not_applicable',
      reason: { code: 'metric_not_applicable', message: expect.stringContaining('VLM_JUDGE_URL') },
    });
    expect(Object.keys(ev.scores)).toEqual([]);
  });

  it('reports judge_unavailable on its own outcome; the other metrics still score', async () => {
    const { ctx, server: s } = await judgeAt(() => ({ status: 503, text: 'overloaded' }));
    const ev = await evaluate(
      suite([{ metric: 'vlm_judge' }, { metric: 'resolution' }]),
      { image: small, prompt: 'p', attributes: {} },
      ctx,
    );
    expect(ev.outcomes.map((o) => [o.metric, o.status])).toEqual([
      ['vlm_judge', 'not_applicable'],
      ['resolution', 'ok'],
    ]);
    expect(ev.outcomes[0].reason).toEqual({
      code: 'judge_unavailable',
      message: expect.stringMatching(/HTTP 503: overloaded \(2 attempts\)/),
    });
    expect(ev.scores['resolution.width']).toBe(300);
    expect(ev.scores['vlm_judge.score']).toBeUndefined();
    expect(s.requests).toHaveLength(2);
  });

  it('reports judge_invalid_answer when the answer never matches the schema', async () => {
    const { ctx } = await judgeAt(() => ({ json: completion('{"rating": "great"}') }));
    const ev = await evaluate(suite([{ metric: 'vlm_judge' }]), { image: small, prompt: 'p', attributes: {} }, ctx);
    expect(ev.outcomes[0]).toMatchObject({
      status: 'not_applicable',
      reason: { code: 'judge_invalid_answer', message: expect.stringContaining('score: required') },
    });
  });

  it('refuses bad parameters when the suite is resolved', () => {
    expect(() => suite([{ metric: 'vlm_judge', params: { scoreField: 'quality' } }])).toThrow(/no number or integer property "quality"/);
    expect(() => suite([{ metric: 'vlm_judge', params: { rubric: 'Rate {{caption}}' } }])).toThrow(/unknown placeholder \{\{caption\}\}/);
    expect(() => suite([{ metric: 'vlm_judge', params: { scoreRange: [5, 5] } }])).toThrow(/min must be below max/);
    expect(() =>
      suite([
        {
          metric: 'vlm_judge',
          params: { answerSchema: { type: 'object', properties: { score: { type: 'number', maximum: 20 } }, required: ['score'] } },
        },
      ]),
    ).toThrow(/within scoreRange/);
    expect(() => suite([{ metric: 'vlm_judge', params: { answerSchema: { type: 'array' } } }])).toThrow(/answerSchema/);
  });
});
