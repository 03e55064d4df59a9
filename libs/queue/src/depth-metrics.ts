import { Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Logger } from '@assay/observability';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;

/**
 * Queue depth per state, read from Redis at scrape time. `assay_queue_backlog_jobs` (waiting + prioritized
 * + active) is what autoscaling should follow: KEDA's list scaler reads only the `wait` list and misses
 * prioritized jobs.
 */
export function registerQueueDepthMetrics(registry: Registry, queues: () => Queue[], logger: Logger): void {
  let cache: { at: number; counts: Map<string, Record<string, number>> } | undefined;
  const snapshot = async () => {
    if (cache && Date.now() - cache.at < 1000) return cache.counts;
    const counts = new Map<string, Record<string, number>>();
    for (const q of queues()) {
      try {
        counts.set(q.name, await q.getJobCounts(...STATES));
      } catch (err) {
        logger.warn({ err, queue: q.name }, 'queue depth unavailable');
      }
    }
    cache = { at: Date.now(), counts };
    return counts;
  };
  new Gauge({
    name: 'assay_queue_jobs',
    help: 'Jobs per queue and state.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [queue, c] of await snapshot()) for (const state of STATES) this.set({ queue, state }, c[state] ?? 0);
    },
  });
  new Gauge({
    name: 'assay_queue_backlog_jobs',
    help: 'Jobs waiting, prioritized or active per queue: the autoscaling signal.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [queue, c] of await snapshot()) this.set({ queue }, (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0));
    },
  });
}
