import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { CausalAnalysis, EventBatchResult, EventImport, ExperimentAnalysis, ExperimentView, PlanResult } from '@assay/contracts';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import { ExperimentsService } from './experiments.service.js';

@Controller('v1/experiments')
@UseGuards(ApiKeyGuard)
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @Req() req: RequestWithId): Promise<ExperimentView> {
    return this.experiments.create(body, req.id);
  }

  @Get()
  list(): Promise<ExperimentView[]> {
    return this.experiments.list();
  }

  // before `:experimentId`, which would otherwise take "plan" for an id
  @Post('plan')
  @HttpCode(200)
  plan(@Body() body: unknown): Promise<PlanResult> {
    return this.experiments.plan(body);
  }

  @Get(':experimentId')
  view(@Param('experimentId') id: string): Promise<ExperimentView> {
    return this.experiments.view(id);
  }

  @Post(':experimentId/events')
  @HttpCode(200)
  events(@Param('experimentId') id: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<EventBatchResult> {
    return this.experiments.ingest(id, body, req.id);
  }

  @Post(':experimentId/imports')
  @HttpCode(202)
  startImport(@Param('experimentId') id: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<EventImport> {
    return this.experiments.startImport(id, body, req.id);
  }

  @Get(':experimentId/imports')
  imports(@Param('experimentId') id: string): Promise<EventImport[]> {
    return this.experiments.listImports(id);
  }

  @Get(':experimentId/imports/:importId')
  importStatus(@Param('experimentId') id: string, @Param('importId') importId: string): Promise<EventImport> {
    return this.experiments.getImport(id, importId);
  }

  @Post(':experimentId/stop')
  @HttpCode(200)
  stop(@Param('experimentId') id: string, @Req() req: RequestWithId): Promise<ExperimentView> {
    return this.experiments.stop(id, req.id);
  }

  @Get(':experimentId/analysis')
  analysis(@Param('experimentId') id: string): Promise<ExperimentAnalysis> {
    return this.experiments.analysis(id);
  }

  @Post(':experimentId/causal')
  @HttpCode(200)
  causal(@Param('experimentId') id: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<CausalAnalysis> {
    return this.experiments.causal(id, body, req.id);
  }

  @Get(':experimentId/report.html')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
  report(@Param('experimentId') id: string): Promise<string> {
    return this.experiments.report(id);
  }
}
