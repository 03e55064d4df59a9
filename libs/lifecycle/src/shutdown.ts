import type { Logger } from '@assay/observability';

/** after a second signal, how long `stop` may still take before the process exits anyway */
export const FORCED_EXIT_MS = 5_000;

export interface ShutdownOptions {
  /** a second signal: stop waiting for active work (a worker cancels its jobs, which kills their ffmpeg) */
  force?: () => void;
  /**
   * the longest `stop` may take before the process exits anyway (a dependency that went away with the
   * launcher, like its private Redis, can leave a clean close waiting forever); default 30 s
   */
  deadlineMs?: number;
}

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, or when the parent that forked this process goes away
 * (its IPC channel closes: the local launcher was killed, even with SIGKILL), then exits 0. A second signal
 * means "now": `force` cuts the wait short and the process exits once `stop` settles or after
 * FORCED_EXIT_MS. A stop that outlasts its deadline ends the process too. Uncaught errors are logged as
 * fatal and end the process (the orchestrator restarts it; BullMQ hands its jobs to another worker once
 * their locks lapse).
 */
export function handleShutdown(logger: Logger, stop: () => Promise<void>, options: ShutdownOptions = {}): void {
  let stopping = false;
  const exitAfter = (ms: number, why: string) =>
    setTimeout(() => {
      logger.warn({ afterMs: ms }, why);
      process.exit(1);
    }, ms).unref();
  const onSignal = (signal: NodeJS.Signals | 'disconnect') => {
    if (stopping) {
      if (signal === 'disconnect') return;
      logger.warn({ signal }, 'second signal: stopping now');
      options.force?.();
      exitAfter(FORCED_EXIT_MS, 'stopping did not finish after the second signal: exiting');
      return;
    }
    stopping = true;
    logger.info({ signal }, signal === 'disconnect' ? 'the launcher that started this process is gone: shutting down' : 'shutting down');
    exitAfter(options.deadlineMs ?? 30_000, 'shutdown did not finish in time: exiting');
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (process.send) process.on('disconnect', () => onSignal('disconnect'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
}
