import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AssayError, ErrorCode, HookRequest, parseOrThrow, type SubmitAssetsResponse } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { globalKeys } from '@assay/runs';
import type { RequestWithId } from '../http/request-context.js';
import { IntakeService } from '../runs/intake.service.js';
import { CONFIG, REDIS } from '../tokens.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@assay/contracts';
import { verifyHook } from './hook-signature.js';

/** Generation pipelines post their outputs here, signed with the shared hook secret instead of an API key. */
@Controller('v1/hooks')
export class HooksController {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly intake: IntakeService,
  ) {}

  @Post('generation')
  @HttpCode(202)
  async generation(@Body() body: unknown, @Req() req: RequestWithId): Promise<SubmitAssetsResponse> {
    const secret = this.config.auth.hookSecret;
    if (!secret) throw new AssayError(ErrorCode.HookNotConfigured, 'generation hooks are disabled: set ASSAY_HOOK_SECRET');
    // the signature covers the JSON body as sent; any other type is never parsed, so it could not be checked
    if (!req.is('application/json'))
      throw new AssayError(ErrorCode.UnsupportedMediaType, 'send the hook body as Content-Type: application/json');
    const tolerance = this.config.auth.hookToleranceSeconds;
    const signature = verifyHook({
      secret,
      toleranceSeconds: tolerance,
      signature: req.header(SIGNATURE_HEADER),
      timestamp: req.header(TIMESTAMP_HEADER),
      rawBody: req.rawBody,
    });
    // A signature is good for one delivery: the same request sent twice within the window is a replay.
    const key = globalKeys(this.config.redis.prefix).hookSignature(signature);
    if ((await this.redis.set(key, '1', 'EX', 2 * tolerance, 'NX')) !== 'OK') {
      throw new AssayError(ErrorCode.HookReplayed, 'this signature was already used; sign each delivery with a new timestamp');
    }
    try {
      const { runId, assets } = parseOrThrow(HookRequest, body);
      return await this.intake.submit(runId, { assets }, req.id);
    } catch (err) {
      // not accepted: the sender may retry the same delivery
      await this.redis.del(key).catch(() => undefined);
      throw err;
    }
  }
}
