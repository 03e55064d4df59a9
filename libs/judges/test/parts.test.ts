import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  parseAnswer,
  parseRetryAfter,
  schemaProblems,
  Semaphore,
  TokenBucket,
  validateJson,
  type JsonSchema,
} from '@assay/judges';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    score: { type: 'integer', minimum: 0, maximum: 5 },
    verdict: { enum: ['pass', 'fail'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 5 }, maxItems: 2 },
    ok: { type: 'boolean' },
  },
  required: ['score', 'verdict'],
  additionalProperties: false,
};

describe('JSON schema subset', () => {
  it('accepts a conforming value and names every problem of a bad one', () => {
    expect(validateJson(schema, { score: 3, verdict: 'pass', tags: ['a'], ok: true })).toEqual([]);
    expect(validateJson(schema, { score: 3.5, verdict: 'maybe', tags: ['toolong', 'b', 'c'], ok: 'yes', extra: 1 })).toEqual([
      'score: must be an integer',
      'verdict: must be one of "pass", "fail"',
      'tags: more than 2 items',
      'tags[0]: longer than 5 characters',
      'ok: must be true or false',
      'extra: not allowed',
    ]);
    expect(validateJson(schema, { verdict: 'fail' })).toEqual(['score: required']);
    expect(validateJson(schema, { score: -1, verdict: 'fail' })).toEqual(['score: -1 is below the minimum 0']);
  });

  it('refuses keywords it cannot check', () => {
    expect(schemaProblems(schema)).toEqual([]);
    expect(schemaProblems({ type: 'object', properties: { a: { type: 'string', pattern: 'x' } }, required: ['b'] })).toEqual([
      'a: keyword "pattern" is not supported',
      '(root): required "b" is not in properties',
    ]);
    expect(schemaProblems({ type: 'decimal' })).toEqual(['(root): type must be one of object, number, integer, string, boolean, array']);
  });
});

describe('parseAnswer', () => {
  const s: JsonSchema = { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] };
  it('reads bare JSON, a fence, or an object inside prose', () => {
    expect(parseAnswer('{"score": 4}', s)).toEqual({ ok: true, answer: { score: 4 } });
    expect(parseAnswer('```json\n{"score": 5}\n```', s)).toEqual({ ok: true, answer: { score: 5 } });
    expect(parseAnswer('```\n{"score": 6}\n```', s)).toEqual({ ok: true, answer: { score: 6 } });
    expect(parseAnswer('My verdict: {"score": 7}. Thanks.', s)).toEqual({ ok: true, answer: { score: 7 } });
  });
  it('says why an answer is unusable', () => {
    expect(parseAnswer('seven', s)).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(parseAnswer('[1,2]', s)).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(parseAnswer('{"score": "7"}', s)).toEqual({ ok: false, reason: 'does not match the answer schema: score: must be a number' });
  });
});

describe('backoff and Retry-After', () => {
  it('doubles up to the ceiling, with half of it random', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(r, opts, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(r, opts, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('limits', () => {
  it('token bucket: a burst at once, then one token per 1/rate seconds', async () => {
    const bucket = new TokenBucket(20, 3);
    const started = performance.now();
    const at: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => bucket.take().then(() => at.push(performance.now() - started))));
    expect(at.slice(0, 3).every((t) => t < 30)).toBe(true);
    // two more tokens at 20/s: about 50 and 100 ms
    expect(at[3]).toBeGreaterThanOrEqual(45);
    expect(at[4]).toBeGreaterThanOrEqual(95);
  });

  it('semaphore: hands a released slot to the next waiter in order', async () => {
    const sem = new Semaphore(2);
    const r1 = await sem.acquire();
    await sem.acquire();
    const order: number[] = [];
    const w3 = sem.acquire().then((r) => (order.push(3), r));
    const w4 = sem.acquire().then((r) => (order.push(4), r));
    expect(sem.inFlight).toBe(2);
    r1();
    r1(); // releasing twice is a no-op
    await w3;
    expect(order).toEqual([3]);
    expect(sem.inFlight).toBe(2);
    (await w3)();
    await w4;
    expect(order).toEqual([3, 4]);
  });
});
