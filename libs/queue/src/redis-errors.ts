const CONNECTION_ERRORS = [
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
  'Command timed out',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'Redis not ready',
  // a full Redis under noeviction refuses writes: unavailable for now, nothing lost
  'OOM command not allowed',
];

/** True for errors that mean "Redis cannot take this now" (unreachable, or full) rather than a bad command. */
export function isRedisUnavailable(err: unknown): boolean {
  const message = (err as Error)?.message ?? '';
  const name = (err as Error)?.name ?? '';
  return name === 'MaxRetriesPerRequestError' || CONNECTION_ERRORS.some((m) => message.includes(m));
}
