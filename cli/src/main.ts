import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), { env: process.env, cwd: process.cwd(), out: process.stdout, err: process.stderr });
// exit once both streams have flushed (pipes are asynchronous on macOS); exiting at all keeps fetch's
// keep-alive sockets from holding the process open
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
