import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AssayError, ErrorCode, type RaterTaskView } from '@assay/contracts';
import { RATER_SCRIPT, RATER_STYLES, renderRaterPage } from '@assay/rater-app';
import type { RequestWithId } from '../http/request-context.js';
import { RaterService } from './rater.service.js';

/** Same-origin only, no inline code, never framed: the page shows third-party generated content. */
const CSP =
  "default-src 'self'; img-src 'self'; media-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

function pageHeaders(res: Response): Response {
  return res
    .setHeader('Content-Security-Policy', CSP)
    .setHeader('Referrer-Policy', 'no-referrer')
    .setHeader('X-Content-Type-Options', 'nosniff')
    .setHeader('Cache-Control', 'no-store');
}

const REFUSALS = new Set<string>([ErrorCode.RaterTokenInvalid, ErrorCode.RaterTokenExpired]);

const bearer = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';

/**
 * The rater app (docs/human-eval.md): a page per invite link, its script and styles, and the API the page
 * calls with the invite token. No API key: the token is the rater's only credential, scoped to one study.
 */
@Controller('rate')
export class RaterController {
  constructor(private readonly raters: RaterService) {}

  @Get('_app/rater.js')
  script(@Res() res: Response): void {
    pageHeaders(res).type('text/javascript').setHeader('Cache-Control', 'public, max-age=300').send(RATER_SCRIPT);
  }

  @Get('_app/rater.css')
  styles(@Res() res: Response): void {
    pageHeaders(res).type('text/css').setHeader('Cache-Control', 'public, max-age=300').send(RATER_STYLES);
  }

  @Get(':studyId/api/task')
  task(@Param('studyId') studyId: string, @Req() req: Request): Promise<RaterTaskView> {
    return this.raters.task(studyId, bearer(req));
  }

  @Post(':studyId/api/answers')
  @HttpCode(200)
  answer(@Param('studyId') studyId: string, @Body() body: unknown, @Req() req: RequestWithId): Promise<RaterTaskView> {
    return this.raters.answer(studyId, bearer(req), body, req.id);
  }

  @Post(':studyId/api/undo')
  @HttpCode(200)
  undo(@Param('studyId') studyId: string, @Req() req: Request): Promise<RaterTaskView> {
    return this.raters.undo(studyId, bearer(req));
  }

  @Get(':studyId/assets/:assignmentId/:slot')
  async asset(
    @Param('studyId') studyId: string,
    @Param('assignmentId') assignmentId: string,
    @Param('slot') slot: string,
    @Query('exp') exp: string,
    @Query('sig') sig: string,
    @Res() res: Response,
  ): Promise<void> {
    const { bytes, type } = await this.raters.asset({ studyId, assignmentId, slot, exp: String(exp ?? ''), sig: String(sig ?? '') });
    pageHeaders(res).type(type).setHeader('Cache-Control', 'private, max-age=600').send(Buffer.from(bytes));
  }

  /** The page: its token is checked first, so a wrong or stale link gets its error page, not an empty app. */
  @Get(':studyId/:token')
  async page(@Param('studyId') studyId: string, @Param('token') token: string, @Res() res: Response): Promise<void> {
    const html = renderRaterPage({ studyId });
    const refused = await this.raters.authenticate(studyId, token).then(
      () => false,
      (err: unknown) => {
        if (err instanceof AssayError && REFUSALS.has(err.code)) return true;
        throw err;
      },
    );
    // a refused link still gets the page: its script asks the API and explains the refusal in a rater's words
    pageHeaders(res)
      .status(refused ? 401 : 200)
      .type('html')
      .send(html);
  }
}
