import { Body, Controller, Get, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { ReferenceSet } from '@assay/contracts';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import { DistributionService } from './distribution.service.js';

/** Named embedding statistics of closed runs (e.g. a curated golden set of real photos) to measure runs against. */
@Controller('v1/reference-sets')
@UseGuards(ApiKeyGuard)
export class ReferenceSetsController {
  constructor(private readonly distribution: DistributionService) {}

  @Post()
  create(@Body() body: unknown, @Req() req: RequestWithId): Promise<ReferenceSet> {
    return this.distribution.createReferenceSet(body, req.id);
  }

  @Get()
  list(): Promise<ReferenceSet[]> {
    return this.distribution.list();
  }

  @Get(':name')
  one(@Param('name') name: string): Promise<ReferenceSet> {
    return this.distribution.one(name);
  }
}
