import { accessSync, constants } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The chromium to drive: the caller's, else CHROMIUM_PATH, else Debian's. */
export function chromiumPath(executablePath?: string): string {
  return executablePath ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
}

/**
 * Why rendering cannot work here, or undefined when it can (as far as a file check tells): the worker reports it
 * at start-up, as it does a missing ffmpeg.
 */
export function chromiumProblem(executablePath?: string): string | undefined {
  const path = chromiumPath(executablePath);
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return `chromium was not found at ${path} (or is not executable); install it (apt-get install chromium) or set CHROMIUM_PATH`;
  }
}

/**
 * WebGL on the CPU: ANGLE over SwiftShader, whatever GPU the machine has, so renders are the same on every host.
 * Chromium refuses SwiftShader for WebGL since 137 unless told it is wanted. No sandbox: workers run in containers
 * as a user without the namespaces the sandbox needs. Shared memory in /tmp: a container's /dev/shm is 64 MB by
 * default, too small for the buffers of a large asset.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-dev-shm-usage',
  '--mute-audio',
];
