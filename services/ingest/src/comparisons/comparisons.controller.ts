import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { ComparisonView } from '@assay/contracts';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import type { RequestWithId } from '../http/request-context.js';
import { ComparisonsService } from './comparisons.service.js';

@Controller('v1/comparisons')
@UseGuards(ApiKeyGuard)
export class ComparisonsController {
  constructor(private readonly comparisons: ComparisonsService) {}

  @Post()
  @HttpCode(202)
  create(@Body() body: unknown, @Req() req: RequestWithId): Promise<ComparisonView> {
    return this.comparisons.create(body, req.id);
  }

  @Get(':id')
  view(@Param('id') id: string): Promise<ComparisonView> {
    return this.comparisons.view(id);
  }

  /** One self-contained HTML file: no script, font or image from elsewhere (a strict CSP says so). */
  @Get(':id/report')
  async report(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const html = await this.comparisons.report(id);
    res
      .status(200)
      .set({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      })
      .send(html);
  }
}
