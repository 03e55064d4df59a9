import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import type { RunSummary, RunView, SubmitAssetsResponse } from '@assay/contracts';
import type { SuiteDefinition } from '@assay/suites';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import { IntakeService, type UploadResult } from './intake.service.js';
import { RunsService, type AssetView } from './runs.service.js';

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly intake: IntakeService,
  ) {}

  @Get('suites')
  suites(): SuiteDefinition[] {
    return this.runs.listSuites();
  }

  @Post('runs')
  @HttpCode(201)
  create(@Body() body: unknown, @Req() req: RequestWithId): Promise<RunView> {
    return this.runs.create(body, req.id);
  }

  @Get('runs/:runId')
  view(@Param('runId') runId: string): Promise<RunView> {
    return this.runs.view(runId);
  }

  @Post('runs/:runId/assets')
  @HttpCode(202)
  submit(@Param('runId') runId: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<SubmitAssetsResponse> {
    return this.intake.submit(runId, body, req.id);
  }

  @Put('runs/:runId/assets/:assetId/content')
  @HttpCode(202)
  upload(@Param('runId') runId: string, @Param('assetId') assetId: string, @Req() req: RequestWithId): Promise<UploadResult> {
    return this.intake.upload(runId, assetId, req.body, req.id);
  }

  @Get('runs/:runId/assets/:assetId')
  asset(@Param('runId') runId: string, @Param('assetId') assetId: string): Promise<AssetView> {
    return this.runs.asset(runId, assetId);
  }

  @Post('runs/:runId/close')
  @HttpCode(202)
  close(@Param('runId') runId: string, @Req() req: RequestWithId): Promise<RunView> {
    return this.runs.close(runId, req.id);
  }

  @Get('runs/:runId/summary')
  summary(@Param('runId') runId: string): Promise<RunSummary> {
    return this.runs.summary(runId);
  }
}
