import type { Context } from '../dist/command.js';

export interface Captured extends Context {
  out: { text: string; write(s: string): boolean; isTTY: false };
  err: { text: string; write(s: string): boolean; isTTY: false };
}

/** A context whose outputs are strings, for running the CLI in the test's process. */
export function captured(env: Record<string, string | undefined> = {}, cwd = process.cwd()): Captured {
  const sink = () => ({
    text: '',
    isTTY: false as const,
    write(s: string) {
      this.text += s;
      return true;
    },
  });
  return { env, cwd, out: sink(), err: sink() };
}

/** The environment without anything that would point the CLI at a service or a config file of this machine. */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('ASSAY_') || k.startsWith('npm_') || ['PORT', 'XDG_CONFIG_HOME', 'HOME'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
