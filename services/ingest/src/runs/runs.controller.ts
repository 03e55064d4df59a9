import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import type { ResultsPage, RunMetricsView, RunSummary, RunsPage, RunView, SubmitAssetsResponse } from '@assay/contracts';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import type { AssetView, Suite, UploadResult } from '../api-schemas.js';
import { IntakeService } from './intake.service.js';
import { ListingService } from './listing.service.js';
import { RunsService } from './runs.service.js';

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly intake: IntakeService,
    private readonly listing: ListingService,
  ) {}

  @Get('suites')
  suites(): Suite[] {
    return this.runs.listSuites();
  }

  @Post('runs')
  @HttpCode(201)
  create(@Body() body: unknown, @Req() req: RequestWithId): Promise<RunView> {
    return this.runs.create(body, req.id);
  }

  @Get('runs')
  list(@Query() query: unknown): Promise<RunsPage> {
    return this.listing.listRuns(query);
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

  @Get('runs/:runId/run-metrics')
  runMetrics(@Param('runId') runId: string): Promise<RunMetricsView> {
    return this.runs.runMetrics(runId);
  }

  @Post('runs/:runId/close')
  @HttpCode(202)
  close(@Param('runId') runId: string, @Req() req: RequestWithId): Promise<RunView> {
    return this.runs.close(runId, req.id);
  }

  @Get('runs/:runId/results')
  results(@Param('runId') runId: string, @Query() query: unknown): Promise<ResultsPage> {
    return this.listing.listResults(runId, query);
  }

  @Get('runs/:runId/summary')
  summary(@Param('runId') runId: string): Promise<RunSummary> {
    return this.runs.summary(runId);
  }
}
