/** Where a command writes; process.stdout/stderr, or a buffer in tests. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** What a command runs with: its environment and its two outputs (results on `out`, everything else on `err`). */
export interface Context {
  env: Record<string, string | undefined>;
  cwd: string;
  out: Output;
  err: Output;
}

/**
 * One subcommand (`assay <name> …`), one module under commands/: registered in commands/index.ts. The
 * dispatcher handles --help (prints `help`) and turns thrown CliErrors into a one-line message and their
 * exit code; `run` returns the exit code of a command that finished.
 */
export interface Command {
  name: string;
  /** one line for `assay --help` */
  summary: string;
  /** the full `assay <name> --help` text */
  help: string;
  run(args: string[], ctx: Context): Promise<number>;
}
