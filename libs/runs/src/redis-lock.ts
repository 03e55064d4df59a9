import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Runs `fn` while holding `key` (SET NX with a TTL, so a crashed holder cannot block others for longer
 * than `ttlMs`); released only by its holder. `locked: false` when another holder has it.
 */
export async function withRedisLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: () => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return { locked: false };
  try {
    return { locked: true, value: await fn() };
  } finally {
    await redis.eval(RELEASE_IF_HELD, 1, key, token);
  }
}
