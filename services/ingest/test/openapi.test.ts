import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestApp, type IngestApp } from '@assay/ingest';
import { createMetricsRegistry } from '@assay/observability';
import {
  dropPrefix,
  freePort,
  OPENCV_DATA,
  quietLogger,
  startTestS3,
  TEST_API_KEY,
  testConfig,
  testPrefix,
  type TestS3,
} from '../../../test/helpers/env.js';

const run = promisify(execFile);
const prefix = testPrefix('openapi');
const PHOTO = join(OPENCV_DATA, 'building.jpg');
let s3: TestS3;
let ingest: IngestApp;
let dir: string;
let docFile: string;
let doc: { paths: Record<string, Record<string, { operationId?: string; tags?: string[]; responses: Record<string, unknown> }>> };

beforeAll(async () => {
  s3 = await startTestS3();
  ingest = await createIngestApp(
    testConfig(prefix, s3.s3.endpoint, { PORT: String(await freePort()) }),
    quietLogger(),
    createMetricsRegistry('ingest'),
  );
  dir = mkdtempSync(join(tmpdir(), 'assay-openapi-'));
  // the document as the running service serves it
  const text = await (await fetch(`${ingest.url}/docs/openapi.json`)).text();
  docFile = join(dir, 'openapi.json');
  writeFileSync(docFile, text);
  doc = JSON.parse(text);
});
afterAll(async () => {
  await ingest?.close();
  await s3?.close();
  await dropPrefix(prefix);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended rules with no error and no warning", async () => {
    // the repository's redocly.yaml applies (cwd is the root); no network: telemetry and update checks off
    const { stdout } = await run(resolve('node_modules/.bin/redocly'), ['lint', docFile, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`redocly lint failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number; ignored: number } };
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 60_000);

  it('names, tags and types every operation and every answer', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        ids.add(op.operationId!);
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('4')),
          `${method} ${path}`,
        ).toBe(true);
        for (const [status, response] of Object.entries(op.responses)) {
          expect((response as { content?: object }).content, `${method} ${path} ${status}`).toBeDefined();
        }
      }
    }
    expect(ids.size).toBe(Object.values(doc.paths).flatMap((item) => Object.keys(item)).length);
    const asset = doc.paths['/v1/runs/{runId}/assets/{assetId}'].get.responses['200'];
    expect(asset).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/AssetView' } } } });
    expect(JSON.stringify((doc as unknown as { components: { schemas: { AssetView: object } } }).components.schemas.AssetView)).toContain(
      '"$ref":"#/components/schemas/ResultRecord"',
    );
  });

  it('documents the 400 a probe answers to a body that is not JSON', async () => {
    // every route parses JSON bodies before routing, probes too
    const status = await new Promise<number | undefined>((done, fail) => {
      const req = request(
        `${ingest.url}/healthz`,
        { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': '1' } },
        (res) => {
          res.resume();
          done(res.statusCode);
        },
      );
      req.on('error', fail);
      req.end('{');
    });
    expect(status).toBe(400);
    expect(doc.paths['/healthz'].get.responses['400']).toBeDefined();
  });
});

describe('a client generated from the document', () => {
  it('compiles under strict TypeScript and creates a run, submits and uploads a photograph, reads the run and the asset', async () => {
    // openapi-typescript's documented recipe for uploads: `format: binary` as Blob
    const blob = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'));
    const ast = await openapiTS(readFileSync(docFile, 'utf8'), {
      transform: (schema) => (schema.format === 'binary' ? blob : undefined),
    });
    writeFileSync(join(dir, 'schema.ts'), astToString(ast));
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023'],
          types: ['node'],
          outDir: 'out',
          noEmitOnError: true,
        },
        files: ['client.ts', 'schema.ts'],
      }),
    );
    // the repository's packages (openapi-fetch, @types/node) for the program and the compiler
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
    await run(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]).catch(
      (err: { stdout?: string }) => {
        throw new Error(`the generated client does not compile:\n${err.stdout ?? ''}`);
      },
    );

    const { stdout } = await run(process.execPath, [join(dir, 'out', 'client.js'), ingest.url, TEST_API_KEY, PHOTO]);
    const out = JSON.parse(stdout);
    const bytes = readFileSync(PHOTO);
    expect(out.run).toMatchObject({ name: 'generated-client', modelVersion: 'gen-1', status: 'open', labels: { via: 'openapi-fetch' } });
    expect(out.submitted).toMatchObject({
      runId: out.run.id,
      accepted: 1,
      assets: [{ assetId: 'photos/building.jpg', state: 'awaiting_content' }],
    });
    expect(out.uploaded).toMatchObject({
      assetId: 'photos/building.jpg',
      duplicate: false,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(out.read).toMatchObject({ id: out.run.id, counts: { submitted: 1, awaitingContent: 0, pending: 1 } });
    expect(out.asset).toMatchObject({ runId: out.run.id, state: 'queued', asset: { assetId: 'photos/building.jpg', modality: 'image' } });
    expect(out.asset.contentUri).toBe(out.uploaded.uri);
    expect(out.listed).toEqual([out.run.id]);
    expect(out.results).toEqual({ runId: out.run.id, runStatus: 'open', items: [], nextCursor: null, flushed: 0, complete: false });
    expect(out.statuses).toEqual([]);
    expect(out.missing).toEqual({ status: 404, code: 'run_not_found' });
    // the bytes the service stored are the photograph
    const stored = await s3.store.get({ bucket: 'assay', key: `runs/${out.run.id}/content/${out.uploaded.sha256}` });
    expect(Buffer.from(stored).equals(bytes)).toBe(true);
  }, 120_000);
});

/** A small program against the generated types: every call and answer is typed by the document. */
const CLIENT = `
import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type Run = components['schemas']['Run'];

const [baseUrl, apiKey, photo] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${apiKey}\` } });

function must<T>(answer: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (answer.data === undefined) throw new Error(\`\${what}: HTTP \${answer.response.status} \${JSON.stringify(answer.error)}\`);
  return answer.data;
}

const run: Run = must(
  await client.POST('/v1/runs', { body: { name: 'generated-client', modelVersion: 'gen-1', labels: { via: 'openapi-fetch' } } }),
  'create run',
);
const assetId = 'photos/building.jpg';
const submitted = must(
  await client.POST('/v1/runs/{runId}/assets', {
    params: { path: { runId: run.id } },
    body: { assets: [{ assetId, modality: 'image', prompt: 'a building', attributes: { seed: 7 } }] },
  }),
  'submit',
);
const uploaded = must(
  await client.PUT('/v1/runs/{runId}/assets/{assetId}/content', {
    params: { path: { runId: run.id, assetId } },
    body: new Blob([readFileSync(photo)], { type: 'image/jpeg' }),
    headers: { 'content-type': 'image/jpeg' },
    bodySerializer: (body) => body,
  }),
  'upload',
);
const read: Run = must(await client.GET('/v1/runs/{runId}', { params: { path: { runId: run.id } } }), 'read run');
const asset = must(await client.GET('/v1/runs/{runId}/assets/{assetId}', { params: { path: { runId: run.id, assetId } } }), 'read asset');
const score: number | undefined = asset.result?.scores['sharpness.laplacian_var'];
const listed = must(await client.GET('/v1/runs', { params: { query: { label: ['via:openapi-fetch'], limit: 10 } } }), 'list runs');
// openapi-fetch's answer types map tuples (ResultRecord.media.analysisSize) to arrays: use them as they come
const results = must(
  await client.GET('/v1/runs/{runId}/results', { params: { path: { runId: run.id }, query: { status: 'completed', limit: 10 } } }),
  'results',
);
const statuses: ('completed' | 'failed')[] = results.items.map((r) => r.status);
const missing = await client.GET('/v1/runs/{runId}', { params: { path: { runId: 'run_nope' } } });
const code: string | undefined = missing.error?.error.code;

console.log(
  JSON.stringify({
    run,
    submitted,
    uploaded,
    read,
    asset,
    score,
    listed: listed.items.map((r) => r.id),
    results,
    statuses,
    missing: { status: missing.response.status, code },
  }),
);
`;
