import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { parseOrThrow, ReferenceSetName, type RunDistributionView } from '@assay/contracts';
import { z } from 'zod';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import { DistributionService } from './distribution.service.js';

const DistributionQuery = z
  .object({
    reference: ReferenceSetName.optional(),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict();

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RunDistributionController {
  constructor(private readonly distribution: DistributionService) {}

  /** A closed run's embedding sets; with `?reference=<name>` also its FD, KID, CMMD and PRDC against that set. */
  @Get('runs/:runId/distribution')
  view(@Param('runId') runId: string, @Query() query: unknown): Promise<RunDistributionView> {
    const q = parseOrThrow(DistributionQuery, query);
    return this.distribution.runDistribution(runId, q.reference, q.seed);
  }
}
