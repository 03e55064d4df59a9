#!/usr/bin/env node
/**
 * Local launcher (`npm start`): Redis (the configured one, or a private one), the embedded S3 server when
 * no S3_ENDPOINT is set, a local API key, then ingest, worker and aggregator as child processes. Nothing
 * it starts outlives it: the services stop when their IPC channel to it closes, the private redis-server
 * runs under a tether that does the same, and the launcher exits only after all of them.
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
let stopping: Promise<never> | undefined;

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** SIGTERM, then SIGKILL after `killAfterMs`; resolves once the process has exited. */
function terminate(child: ChildProcess, killAfterMs: number): Promise<void> {
  return new Promise<void>((done) => {
    if (!running(child)) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
  });
}

/**
 * Stops the services (they finish their active work), then the embedded S3 and the private Redis, then
 * exits. A second call (a second Ctrl-C) passes the signal on, so the services stop now, but the launcher
 * still waits for them: it never leaves a child behind.
 */
function stop(code: number): Promise<never> {
  if (stopping) {
    logger.warn('second signal: the services stop now');
    for (const child of children.values()) if (running(child)) child.kill('SIGTERM');
    return stopping;
  }
  stopping = (async () => {
    await Promise.all([...children.values()].map((child) => terminate(child, 30_000)));
    await s3?.close();
    if (redisProcess) await terminate(redisProcess, 10_000);
    process.exit(code);
  })();
  return stopping;
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const redis = await ensureRedis(config.redis.url, join(dataDir, 'redis'), logger);
  redisProcess = redis.process;

  await prepareLocalModels(config.modelDirs, dataDir, logger);
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redis.url, ASSAY_DATA_DIR: dataDir };
  if (config.embedded) {
    s3 = await startEmbeddedS3({
      directory: join(dataDir, 's3'),
      buckets: config.s3.allowedBuckets,
      port: Number(process.env.ASSAY_EMBEDDED_S3_PORT ?? 0),
    });
    Object.assign(env, {
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
    });
    logger.info(
      { endpoint: s3.endpoint, directory: join(dataDir, 's3'), buckets: config.s3.allowedBuckets },
      'embedded S3-compatible server (s3rver) started',
    );
  }
  if (!config.auth.apiKeys.length) {
    const local = ensureLocalApiKey(dataDir);
    env.ASSAY_API_KEYS = local.key;
    if (local.created)
      process.stderr.write(`\nAssay API key (shown once; kept in ${local.path}, which the CLI reads):\n  ${local.key}\n\n`);
    else logger.info({ path: local.path }, 'using the local API key');
  }

  const ports = { ingest: config.port, worker: config.port + 1, aggregator: config.port + 2 };
  for (const [name, port] of Object.entries(ports)) {
    // its own process group: a Ctrl-C reaches the launcher only, which passes it on once
    const child = fork(join(servicesDir, name, 'dist', 'main.js'), [], {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      detached: true,
    });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ service: name, code, signal }, 'a service exited; stopping the others');
      void stop(1);
    });
    children.set(name, child);
  }

  const api = `http://127.0.0.1:${ports.ingest}`;
  // up means every service answers /readyz: the worker has loaded its models and takes jobs
  for (const [name, port] of Object.entries(ports)) {
    for (let i = 0; ; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (i === 1200) throw new Error(`${name} did not become ready in 120 s (its /readyz says why)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  logger.info(
    {
      api: `${api}/v1`,
      docs: `${api}/docs`,
      metrics: Object.fromEntries(Object.entries(ports).map(([n, p]) => [n, `http://127.0.0.1:${p}/metrics`])),
      s3: s3?.endpoint ?? config.s3.endpoint,
      redis: redis.url,
      modelDirs: config.modelDirs,
      executionProviders: config.executionProviders,
      dataDir,
    },
    'Assay is up. Try: npx assay eval samples',
  );
} catch (err) {
  logger.fatal({ err: (err as Error).message }, 'could not start Assay');
  await stop(1);
}
