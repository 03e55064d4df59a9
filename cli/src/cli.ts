import type { Command, Context } from './command.js';
import { COMMANDS } from './commands/index.js';
import { CONFIG_FILE_HELP } from './config.js';
import { CliError, ExitCode, UsageError } from './errors.js';
import { cliVersion } from './version.js';

const width = Math.max(...COMMANDS.map((c) => c.name.length));
const HELP = `usage: assay <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

  assay <command> --help   options of a command
  assay --version          the CLI's version

The service: --url, $ASSAY_URL or the config file's "url" (default: the local launcher, http://127.0.0.1:$PORT or :8080);
the key: --api-key, $ASSAY_API_KEY or the config file's "apiKey" (default: the launcher's $ASSAY_DATA_DIR/api-key).
${CONFIG_FILE_HELP}

exit codes: 0 done (compare: GO), 1 assets failed (compare: NO_GO), 2 usage or input error, 3 service unreachable
or request refused, 4 timed out waiting, 5 compare: INCONCLUSIVE, 70 internal error. docs/cli.md has the details.
`;

const isHelp = (a: string) => a === '--help' || a === '-h';

/** Options before `--` (after it, everything is an argument). */
const optionsPart = (args: string[]) => (args.includes('--') ? args.slice(0, args.indexOf('--')) : args);

/**
 * Runs `assay <argv…>` and returns the exit code; never throws. Help goes to `out` (exit 0); errors are one
 * line on `err`, usage errors with a pointer to the right --help.
 */
export async function runCli(argv: string[], ctx: Context): Promise<number> {
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (first === undefined) throw new UsageError('missing command');
    if (isHelp(first) || first === 'help') return help(ctx, rest[0]);
    if (first === '--version' || first === '-V') {
      ctx.out.write(`${cliVersion()}\n`);
      return ExitCode.Ok;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}`);
    command = COMMANDS.find((c) => c.name === first);
    if (!command) throw new UsageError(`unknown command '${first}'`);
    if (optionsPart(rest).some(isHelp)) {
      ctx.out.write(command.help);
      return ExitCode.Ok;
    }
    return await command.run(rest, ctx);
  } catch (err) {
    const prefix = command ? `assay ${command.name}` : 'assay';
    if (err instanceof UsageError) {
      ctx.err.write(`${prefix}: ${err.message} (see '${command ? `assay ${command.name} --help` : 'assay --help'}')\n`);
      return err.exitCode;
    }
    if (err instanceof CliError) {
      ctx.err.write(`${prefix}: ${err.message}\n`);
      return err.exitCode;
    }
    ctx.err.write(`${prefix}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.Internal;
  }
}

function help(ctx: Context, topic: string | undefined): number {
  if (topic === undefined) {
    ctx.out.write(HELP);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((c) => c.name === topic);
  if (!command) throw new UsageError(`unknown command '${topic}'`);
  ctx.out.write(command.help);
  return ExitCode.Ok;
}
