import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AssayError, ErrorCode, HTTP_STATUS_BY_CODE, type ErrorCode as Code, type FieldIssue } from '@assay/contracts';
import { RETRY_AFTER_SECONDS, type Logger } from '@assay/observability';
import { isRedisUnavailable } from '@assay/queue';
import type { IngestMetrics } from '../ingest-metrics.js';

interface Mapped {
  status: number;
  code: Code;
  message: string;
  details?: FieldIssue[];
}

const CODE_BY_STATUS: Record<number, Code> = {
  400: ErrorCode.ValidationFailed,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
};

/** Every error becomes `{ error: { code, message, details? }, requestId }` with a stable code. */
export function mapError(err: unknown): Mapped {
  if (err instanceof AssayError) return { status: err.httpStatus, code: err.code, message: err.message, details: err.details };
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser errors
  if (e?.type === 'entity.too.large') return { status: 413, code: ErrorCode.PayloadTooLarge, message: 'request body over the size limit' };
  if (e?.type === 'entity.parse.failed')
    return { status: 400, code: ErrorCode.InvalidJson, message: `body is not valid JSON: ${e.message}` };
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return { status: 415, code: ErrorCode.UnsupportedMediaType, message: e.message ?? 'unsupported encoding' };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
    return { status, code, message: err.message };
  }
  if (isRedisUnavailable(err))
    return { status: 503, code: ErrorCode.RedisUnavailable, message: 'the queue store (Redis) is unavailable; retry later' };
  return { status: HTTP_STATUS_BY_CODE.internal_error ?? 500, code: ErrorCode.Internal, message: 'internal error' };
}

export function sendError(req: Request, res: Response, err: unknown, logger: Logger, metrics: IngestMetrics): void {
  const mapped = mapError(err);
  const requestId = (req as Request & { id?: string }).id;
  metrics.rejected.inc({ code: mapped.code });
  if (mapped.status >= 500) logger.error({ err, requestId, code: mapped.code }, 'request failed');
  else logger.info({ requestId, code: mapped.code, path: req.path }, 'request rejected');
  if (mapped.status === 503 || mapped.code === ErrorCode.RunMetricsPending) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  res
    .status(mapped.status)
    .json({ error: { code: mapped.code, message: mapped.message, ...(mapped.details ? { details: mapped.details } : {}) }, requestId });
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: IngestMetrics,
  ) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<Request>(), http.getResponse<Response>(), err, this.logger, this.metrics);
  }
}
