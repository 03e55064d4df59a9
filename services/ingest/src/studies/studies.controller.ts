import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { LabelStudioImportResult, RaterInvite, StudyAnalysis, StudyView } from '@assay/contracts';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import { StudiesService } from './studies.service.js';

@Controller('v1/studies')
@UseGuards(ApiKeyGuard)
export class StudiesController {
  constructor(private readonly studies: StudiesService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @Req() req: RequestWithId): Promise<StudyView> {
    return this.studies.create(body, req.id);
  }

  @Get()
  list(): Promise<StudyView[]> {
    return this.studies.list();
  }

  @Get(':studyId')
  view(@Param('studyId') studyId: string): Promise<StudyView> {
    return this.studies.view(studyId);
  }

  @Post(':studyId/raters')
  @HttpCode(201)
  invite(@Param('studyId') studyId: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<RaterInvite[]> {
    return this.studies.invite(studyId, body, req.id);
  }

  @Post(':studyId/close')
  close(@Param('studyId') studyId: string, @Req() req: RequestWithId): Promise<StudyView> {
    return this.studies.close(studyId, req.id);
  }

  @Get(':studyId/analysis')
  analysis(@Param('studyId') studyId: string): Promise<StudyAnalysis> {
    return this.studies.analysis(studyId);
  }

  @Get(':studyId/exports/:file')
  async export(@Param('studyId') studyId: string, @Param('file') file: string, @Res() res: Response): Promise<void> {
    const { body, type } = await this.studies.export(studyId, file);
    res.type(type).setHeader('Content-Disposition', `attachment; filename="${studyId}-${file}"`).send(body);
  }

  @Post(':studyId/imports/label-studio')
  @HttpCode(200)
  importLabelStudio(@Param('studyId') studyId: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<LabelStudioImportResult> {
    return this.studies.importLabelStudio(studyId, body, req.id);
  }
}
