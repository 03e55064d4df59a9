import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { freePort } from './env.js';

/** `npm start`'s launcher as a child process, with its log lines. */
export interface Launch {
  child: ChildProcess;
  lines: string[];
  /** the first log line matching `pattern`; throws when the launcher exits or the time runs out first */
  until(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function launch(env: Record<string, string>): Launch {
  const child = spawn(process.execPath, ['services/standalone/dist/main.js'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) createInterface({ input: s }).on('line', (l) => lines.push(l));
  return {
    child,
    lines,
    async until(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => pattern.test(l));
        if (hit) return hit;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`never saw ${pattern}:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** A free PORT for the launcher, which uses PORT, PORT+1 and PORT+2. */
export async function portBase(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p < 65000 && (await isFree(p + 1)) && (await isFree(p + 2))) return p;
  }
}

export const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
