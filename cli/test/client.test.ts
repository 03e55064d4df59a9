import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, AssayClient } from '../dist/client.js';
import { ServiceError } from '../dist/errors.js';

// Transient answers cannot be had from the real service on demand (the e2e outage tests take Redis and S3
// down for that); this HTTP server answers as the ingest API does under an outage: 503 with Retry-After.
let server: Server;
let base: string;
const seen: string[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (failuresLeft-- > 0) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ error: { code: 'redis_unavailable', message: 'retry later' }, requestId: 'r1' }));
      return;
    }
    if (req.url === '/invalid') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'validation_failed', message: 'invalid request', details: [{ path: 'assets.0.prompt', message: 'Too big' }] },
        }),
      );
      return;
    }
    if (req.url === '/html') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the API client', () => {
  const client = () => new AssayClient(base, 'key', { backoffMs: 10 });

  it('retries idempotent requests on 503 (and 429, 502, 504) and succeeds', async () => {
    seen.length = 0;
    failuresLeft = 2;
    expect(await client().request('GET', '/v1/runs/x', undefined, { idempotent: true })).toEqual({ ok: true });
    expect(seen).toEqual(['GET /v1/runs/x', 'GET /v1/runs/x', 'GET /v1/runs/x']);
  });

  it('never retries what is not idempotent (creating a run twice would make two runs), and gives up after 4 attempts', async () => {
    seen.length = 0;
    failuresLeft = 1;
    await expect(client().request('POST', '/v1/runs', {})).rejects.toThrow(new ApiError(503, 'redis_unavailable', 'retry later'));
    expect(seen).toHaveLength(1);
    failuresLeft = 10;
    await expect(client().request('GET', '/v1/runs/x', undefined, { idempotent: true })).rejects.toBeInstanceOf(ApiError);
    expect(seen).toHaveLength(5);
    failuresLeft = 0;
  });

  it("turns the API's error body into code, message and field details; other bodies into their text", async () => {
    await expect(client().request('POST', '/invalid', {})).rejects.toThrow(
      'validation_failed (400): invalid request: assets.0.prompt: Too big',
    );
    await expect(client().request('GET', '/html')).rejects.toThrow('http_error (502): <html>bad gateway</html>');
  });

  it('a request without an answer in time is abandoned', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const err = await new AssayClient(url, 'key', { requestTimeoutMs: 200 }).request('GET', '/v1/runs/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as Error).message).toBe(`cannot reach Assay at ${url} (no answer in time); is it running? (npm start, or set ASSAY_URL)`);
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });
});
