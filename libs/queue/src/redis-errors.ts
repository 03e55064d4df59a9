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
];

/** True for errors that mean "Redis is not reachable right now" rather than a bad command. */
export function isRedisUnavailable(err: unknown): boolean {
  const message = (err as Error)?.message ?? '';
  const name = (err as Error)?.name ?? '';
  return name === 'MaxRetriesPerRequestError' || CONNECTION_ERRORS.some((m) => message.includes(m));
}
