import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Logger } from '@assay/observability';

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1500,
    enableOfflineQueue: false,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface LocalRedis {
  url: string;
  /** set when this process started its own redis-server: its tether, which ends it with this process */
  process?: ChildProcess;
}

const TETHER = fileURLToPath(new URL('./tether.js', import.meta.url));

/**
 * Uses the Redis at `url` when it answers. Otherwise, for a local URL with `redis-server` on PATH, starts a
 * private one (no persistence, noeviction as BullMQ requires) with its files under `dir`, through a tether
 * that stops it when this process ends, however it ends.
 */
export async function ensureRedis(url: string, dir: string, logger: Logger): Promise<LocalRedis> {
  if (await answers(url)) return { url };
  const parsed = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname);
  const hasServer = spawnSync('redis-server', ['--version']).status === 0;
  if (!local || !hasServer) {
    throw new Error(
      `nothing answers at REDIS_URL=${url}` +
        (local
          ? ' and redis-server is not on PATH. Install it (Debian/Ubuntu: apt-get install redis-server; ' +
            'macOS: brew install redis) or point REDIS_URL at a Redis.'
          : '. Start that Redis or point REDIS_URL elsewhere.'),
    );
  }
  mkdirSync(dir, { recursive: true });
  const port = parsed.port || '6379';
  const child = fork(
    TETHER,
    [
      'redis-server',
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      dir,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      detached: true, // a Ctrl-C reaches the launcher only
    },
  );
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) {
      logger.info(
        { url, pid: child.pid, dir },
        'no Redis answered at REDIS_URL: started a private redis-server (stopped on exit, keeps nothing)',
      );
      return { url, process: child };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`started redis-server on port ${port}, but it does not answer`);
}
