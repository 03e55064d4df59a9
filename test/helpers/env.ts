import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig, type AssayConfig } from '@assay/config';
import { createLogger } from '@assay/observability';
import { EMBEDDED_S3_CREDENTIALS, S3ObjectStore, startEmbeddedS3, type EmbeddedS3 } from '@assay/storage';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SHARED = '../shared';
export const OPENCV_DATA = '/usr/share/doc/opencv-doc/examples/data';
export const TEST_API_KEY = 'test-key-0123456789abcdef';

export const quietLogger = () => createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A Redis key prefix of this test's own, so tests never see each other's (or earlier runs') keys. */
export function testPrefix(name: string): string {
  return `assay-test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes this prefix's keys only. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestS3 {
  s3: EmbeddedS3;
  store: S3ObjectStore;
  dir: string;
  close(): Promise<void>;
}

/** A real S3 API (s3rver) on a temporary folder. */
export async function startTestS3(buckets = ['assay', 'other-bucket']): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-s3-'));
  const s3 = await startEmbeddedS3({ directory: dir, buckets });
  const store = new S3ObjectStore({ endpoint: s3.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS });
  return {
    s3,
    store,
    dir,
    async close() {
      store.close();
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment a service gets in tests: real Redis, the test S3, a private prefix. */
export function serviceEnv(prefix: string, s3Endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL,
    ASSAY_REDIS_PREFIX: prefix,
    S3_ENDPOINT: s3Endpoint,
    S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
    S3_BUCKET: 'assay',
    ASSAY_API_KEYS: TEST_API_KEY,
    ASSAY_HOOK_SECRET: 'hook-secret-0123456789',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...extra,
  };
}

export function testConfig(prefix: string, s3Endpoint: string, extra: Record<string, string> = {}): AssayConfig {
  return loadConfig(serviceEnv(prefix, s3Endpoint, extra));
}
