import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, queuePrefix, type JobName, type JobPayloadMap, type QueueName } from '@assay/contracts';

/** The typed producer side: one BullMQ queue per name, created on first use, all on one connection. */
export class QueueSet {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly basePrefix: string,
  ) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: queuePrefix(this.basePrefix, name),
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<J extends JobName>(queue: QueueName, name: J, data: JobPayloadMap[J], opts: JobsOptions & { jobId: string }) {
    return this.get(queue).add(name, data, opts);
  }

  async addBulk<J extends JobName>(queue: QueueName, jobs: { name: J; data: JobPayloadMap[J]; opts: JobsOptions & { jobId: string } }[]) {
    return this.get(queue).addBulk(jobs);
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
