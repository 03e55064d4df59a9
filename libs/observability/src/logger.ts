import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * pino JSON to stdout. Bind context with `logger.child({ runId, assetId, jobId, requestId })` so every line
 * about an asset carries its ids.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
