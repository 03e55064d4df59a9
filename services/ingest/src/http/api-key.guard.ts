import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AssayError, ErrorCode } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { CONFIG } from '../tokens.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither
 * the key's length nor its content leaks through timing; every configured key is checked.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(@Inject(CONFIG) config: AssayConfig) {
    this.keys = config.auth.apiKeys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new AssayError(ErrorCode.AuthRequired, 'send an API key as "Authorization: Bearer <key>"');
    const given = digest(match[1]);
    let ok = false;
    for (const key of this.keys) ok = timingSafeEqual(key, given) || ok;
    if (!ok) throw new AssayError(ErrorCode.InvalidApiKey, 'the API key is not valid');
    return true;
  }
}
