/**
 * Exit codes, the same for every command (docs/cli.md): a pipeline can tell "the assets are bad" (1) from
 * "the call was wrong" (2), "the service could not be used" (3) and "it is still scoring" (4).
 */
export const ExitCode = {
  /** the command did what it was asked; for `eval`: every asset was scored */
  Ok: 0,
  /** `eval`: one or more assets failed (unless --allow-failures) */
  AssetsFailed: 1,
  /** `compare`: the verdict is NO_GO (the candidate failed a criterion): like failed assets, the input is bad */
  NoGo: 1,
  /** usage or input error: unknown option or command, missing or bad argument, missing file or folder, no API key */
  Usage: 2,
  /** the service could not be reached or refused a request (network, authentication, an API error) */
  Service: 3,
  /** gave up waiting (--timeout); the run goes on in the service */
  Timeout: 4,
  /** `compare`: the verdict is INCONCLUSIVE (not enough evidence either way); NO_GO exits 1 */
  Inconclusive: 5,
  /** a bug in the CLI */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI expected: printed as one line, no stack, and the process exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** How the command was called is wrong: the message is followed by a hint to the command's --help. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

/** What the command was given cannot be used (a missing folder, a bad prompt file, no API key). */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

export class ServiceError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Service);
  }
}
