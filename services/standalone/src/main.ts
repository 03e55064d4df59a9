#!/usr/bin/env node
/**
 * Local launcher (`npm start`): Redis (the configured one, or a private one), the embedded S3 server when
 * no S3_ENDPOINT is set, a local API key, then ingest, worker and aggregator as child processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLocalApiKey, loadConfigOrExit } from '@assay/config';
import { createLogger } from '@assay/observability';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from '@assay/storage';
import { prepareLocalModels } from './local-models.js';
import { ensureRedis } from './local-redis.js';

const config = loadConfigOrExit('standalone', process.env, { embeddedAllowed: true });
const logger = createLogger('standalone', config.logLevel);
const servicesDir = resolve(fileURLToPath(import.meta.url), '../../..');
const dataDir = resolve(config.dataDir);

let s3: EmbeddedS3 | undefined;
const children = new Map<string, ChildProcess>();
let redisProcess: ChildProcess | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
          }),
      ),
    );
    await s3?.close();
    redisProcess?.kill();
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const redis = await ensureRedis(config.redis.url, join(dataDir, 'redis'), logger);
  redisProcess = redis.process;

  const modelDir = await prepareLocalModels(dataDir, config.modelDir, logger);
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redis.url, ASSAY_DATA_DIR: dataDir, MODEL_DIR: modelDir };
  if (config.embedded) {
    s3 = await startEmbeddedS3({ directory: join(dataDir, 's3'), buckets: config.s3.allowedBuckets, port: Number(process.env.ASSAY_EMBEDDED_S3_PORT ?? 0) });
    Object.assign(env, { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId, S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey });
    logger.info({ endpoint: s3.endpoint, directory: join(dataDir, 's3'), buckets: config.s3.allowedBuckets }, 'embedded S3-compatible server (s3rver) started');
  }
  if (!config.auth.apiKeys.length) {
    const local = ensureLocalApiKey(dataDir);
    env.ASSAY_API_KEYS = local.key;
    if (local.created) process.stderr.write(`\nAssay API key (shown once; kept in ${local.path}, which the CLI reads):\n  ${local.key}\n\n`);
    else logger.info({ path: local.path }, 'using the local API key');
  }

  const ports = { ingest: config.port, worker: config.port + 1, aggregator: config.port + 2 };
  for (const [name, port] of Object.entries(ports)) {
    const child = fork(join(servicesDir, name, 'dist', 'main.js'), [], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ service: name, code, signal }, 'a service exited; stopping the others');
      void stop(1);
    });
    children.set(name, child);
  }

  const api = `http://127.0.0.1:${ports.ingest}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${api}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (i === 600) throw new Error('ingest did not become ready in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  logger.info(
    {
      api: `${api}/v1`,
      docs: `${api}/docs`,
      metrics: Object.fromEntries(Object.entries(ports).map(([n, p]) => [n, `http://127.0.0.1:${p}/metrics`])),
      s3: s3?.endpoint ?? config.s3.endpoint,
      redis: redis.url,
      modelDir,
      executionProviders: config.executionProviders,
      dataDir,
    },
    'Assay is up. Try: npx assay eval samples',
  );
} catch (err) {
  logger.fatal({ err: (err as Error).message }, 'could not start Assay');
  await stop(1);
}
