import { Redis } from 'ioredis';

/**
 * `worker`: blocking commands must wait out a Redis restart, so requests retry forever (BullMQ requires
 * `maxRetriesPerRequest: null`). `producer`: the API answers 503 at once rather than buffering commands in
 * memory while Redis is away (`enableOfflineQueue: false`).
 */
export type RedisRole = 'worker' | 'producer';

export function createRedis(url: string, role: RedisRole, connectionName = `assay-${role}`): Redis {
  const common = { connectionName, retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 3000) };
  if (role === 'worker') return new Redis(url, { ...common, maxRetriesPerRequest: null });
  return new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 5000 });
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
