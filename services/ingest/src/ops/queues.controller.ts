import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { AssayError, ErrorCode, QueueName } from '@assay/contracts';
import type { QueueSet } from '@assay/queue';
import type { FailedJobs, QueueDepth } from '../api-schemas.js';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import { QUEUES } from '../tokens.js';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/** Queue depths and the dead-letter view: failed jobs with their reason codes. */
@Controller('v1/queues')
@UseGuards(ApiKeyGuard)
export class QueuesController {
  constructor(@Inject(QUEUES) private readonly queues: QueueSet) {}

  private queue(name: string) {
    if (!(Object.values(QueueName) as string[]).includes(name)) throw new AssayError(ErrorCode.QueueNotFound, `no queue ${name}`);
    return this.queues.get(name as QueueName);
  }

  @Get()
  async list(): Promise<QueueDepth[]> {
    return Promise.all(
      Object.values(QueueName).map(async (name) => ({ queue: name, counts: await this.queues.get(name).getJobCounts(...STATES) })),
    );
  }

  @Get(':queue/failed')
  async failed(@Param('queue') name: string, @Query('start') start = '0', @Query('limit') limit = '50'): Promise<FailedJobs> {
    const from = Math.max(0, Number.parseInt(start, 10) || 0);
    const count = Math.min(500, Math.max(1, Number.parseInt(limit, 10) || 50));
    const queue = this.queue(name);
    const [total, jobs] = await Promise.all([queue.getFailedCount(), queue.getFailed(from, from + count - 1)]);
    return {
      queue: name,
      total,
      jobs: jobs.map((j) => ({
        jobId: j.id,
        name: j.name,
        runId: (j.data as { runId?: string }).runId,
        assetId: (j.data as { assetId?: string }).assetId,
        reason: j.failedReason?.split(':')[0],
        failedReason: j.failedReason,
        attemptsMade: j.attemptsMade,
        finishedOn: j.finishedOn ? new Date(j.finishedOn).toISOString() : undefined,
      })),
    };
  }
}
