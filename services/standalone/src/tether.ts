#!/usr/bin/env node
/**
 * `node tether.js <command> [args…]`, forked by the launcher: runs the command and ends it (SIGTERM, SIGKILL
 * after 5 s) when the launcher goes away — its IPC channel closes, even when the launcher was SIGKILLed — or
 * on SIGTERM/SIGINT; exits with the command. For children that cannot watch their parent (redis-server).
 */
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: tether <command> [args…]\n');
  process.exit(2);
}
const child = spawn(command, args, { stdio: 'inherit' });
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
};
process.on('disconnect', end);
process.on('SIGTERM', end);
process.on('SIGINT', end);
child.on('error', (err) => {
  process.stderr.write(`tether: could not run ${command}: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));
