import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { ComparisonObjects, SIGNATURE_HEADER, signHook, TIMESTAMP_HEADER, VerdictDelivery } from '@assay/contracts';
import { UnrecoverableError, type Job } from '@assay/queue';
import { deliverVerdictHandler, type AnalysisDeps } from '../dist/analysis-handlers.js';
import { createAnalysisMetrics } from '../dist/analysis-metrics.js';
import { fixtureResult } from '../../../libs/report/test/fixture.js';
import { quietLogger, startTestS3, type TestS3 } from '../../../test/helpers/env.js';

/**
 * The verdict webhook against a real HTTP receiver and the S3 API (s3rver): the body is the contract's, signed
 * over its exact bytes; a refusal the receiver will repeat (4xx) ends the job at once, a 5xx is retried, and
 * each outcome is counted.
 */
const BUCKET = 'assay';
const SECRET = 'verdict-secret-for-the-test';
const result = fixtureResult();
let s3: TestS3;
let receiver: Server;
let status = 204;
const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];

beforeAll(async () => {
  s3 = await startTestS3([BUCKET]);
  await s3.store.put({ bucket: BUCKET, key: ComparisonObjects.result(result.id) }, JSON.stringify(result), 'application/json');
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await s3?.close();
});

function handler(webhook = true) {
  const metrics = createAnalysisMetrics(new Registry());
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/verdicts`;
  const deps = {
    store: s3.store,
    // a comparison a client asked for: no sweep to name
    comparisons: { get: async () => undefined },
    metrics,
    config: {
      s3: { bucket: BUCKET },
      comparisonWebhook: webhook ? { url, secret: SECRET, allowedHosts: ['127.0.0.1'] } : undefined,
    },
  } as unknown as AnalysisDeps;
  return { deliver: deliverVerdictHandler(deps), metrics };
}

const job = (attemptsMade: number) =>
  ({ data: { comparisonId: result.id }, attemptsMade, opts: { attempts: 3 } }) as unknown as Job<{ comparisonId: string }>;
const counted = async (m: ReturnType<typeof handler>['metrics'], outcome: string) =>
  (await m.deliveries.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

describe('deliver-verdict', () => {
  it('POSTs the verdict, what blocked it and where the report is, signed over the exact body', async () => {
    status = 204;
    const { deliver, metrics } = handler();
    expect(await deliver(job(0), quietLogger(), new AbortController().signal)).toEqual({ status: 204 });
    const last = received.at(-1)!;
    const body = VerdictDelivery.parse(JSON.parse(last.body));
    expect(body).toMatchObject({
      event: 'comparison.done',
      comparisonId: result.id,
      verdict: result.verdict.outcome,
      policy: result.verdict.policy.name,
      resultUri: `s3://${BUCKET}/${ComparisonObjects.result(result.id)}`,
      reportUri: `s3://${BUCKET}/${ComparisonObjects.report(result.id)}`,
    });
    const blocking = result.verdict.criteria.filter((c) => c.outcome === 'fail' || c.outcome === 'inconclusive').map((c) => c.id);
    expect(blocking.length).toBeGreaterThan(0);
    expect(body.blocking.map((b) => b.id)).toEqual(blocking);
    expect(last.headers[SIGNATURE_HEADER]).toBe(signHook(SECRET, String(last.headers[TIMESTAMP_HEADER]), last.body));
    expect(await counted(metrics, 'delivered')).toBe(1);
  });

  it('gives up at once on a 4xx the receiver will repeat, and counts the delivery failed', async () => {
    status = 410;
    const { deliver, metrics } = handler();
    await expect(deliver(job(0), quietLogger(), new AbortController().signal)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await counted(metrics, 'failed')).toBe(1);
    expect(await counted(metrics, 'retried')).toBe(0);
  });

  it('retries a 5xx or a 429 while attempts remain, and fails it on the last', async () => {
    const { deliver, metrics } = handler();
    for (const code of [503, 429]) {
      status = code;
      const err = await deliver(job(0), quietLogger(), new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(UnrecoverableError);
    }
    expect(await counted(metrics, 'retried')).toBe(2);
    status = 503;
    await expect(deliver(job(2), quietLogger(), new AbortController().signal)).rejects.toThrow(/answered 503/);
    expect(await counted(metrics, 'failed')).toBe(1);
  });

  it('does nothing when no webhook is configured', async () => {
    const before = received.length;
    const { deliver } = handler(false);
    expect(await deliver(job(0), quietLogger(), new AbortController().signal)).toEqual({ skipped: 'no webhook configured' });
    expect(received.length).toBe(before);
  });
});
