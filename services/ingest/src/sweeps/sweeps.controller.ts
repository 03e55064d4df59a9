import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { SweepRunRecord } from '@assay/contracts';
import type { SweepDetail, SweepView } from '@assay/sweeps';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import { SweepsService } from './sweeps.service.js';

@Controller('v1/sweeps')
@UseGuards(ApiKeyGuard)
export class SweepsController {
  constructor(private readonly sweeps: SweepsService) {}

  @Get()
  list(): Promise<SweepView[]> {
    return this.sweeps.list();
  }

  @Get(':name')
  one(@Param('name') name: string): Promise<SweepDetail> {
    return this.sweeps.one(name);
  }

  @Post(':name/trigger')
  @HttpCode(202)
  trigger(@Param('name') name: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<SweepRunRecord> {
    return this.sweeps.trigger(name, body, req.id);
  }
}
