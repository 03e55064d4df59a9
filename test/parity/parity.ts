/**
 * The parity image set and the Python reference implementations, shared by the parity tests. Python is
 * Debian's (`/usr/bin/python3` with python3-opencv, python3-skimage, python3-scipy; .ci/run installs
 * them), not whatever python3 is first on PATH.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeImage, type DecodedImage } from '@assay/media';

export const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';

export interface ParityImage {
  file: string;
  source: string;
  variant: 'original' | 'blur' | 'noise' | 'jpeg10' | 'resize';
  reference: string;
  width: number;
  height: number;
}

export interface ParitySet {
  dir: string;
  opencv: string;
  images: ParityImage[];
}

/** Asynchronous, so a long reference run does not block the test worker's event loop (vitest's RPC). */
async function python(args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(PYTHON, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw new Error(`${PYTHON} ${args.join(' ')} failed:\n${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

let cached: Promise<ParitySet> | undefined;

/** Writes the image set once per test file (a few seconds) into a temporary folder; `removeParitySet` deletes it. */
export function paritySet(): Promise<ParitySet> {
  cached ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-parity-'));
    await python(['test/parity/make_images.py', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Omit<ParitySet, 'dir'>;
    return { dir, ...manifest };
  })();
  return cached;
}

/** Deletes the set written by this test file (call from `afterAll`). */
export async function removeParitySet(): Promise<void> {
  if (!cached) return;
  const { dir } = await cached;
  cached = undefined;
  rmSync(dir, { recursive: true, force: true });
}

/** Runs a reference script over the set; it prints one JSON object on stdout. */
export async function runReference<T = Record<string, Record<string, number>>>(
  script: string,
  set: ParitySet,
  extra: string[] = [],
): Promise<T> {
  return JSON.parse(await python([script, set.dir, ...extra])) as T;
}

export async function loadParityImage(set: ParitySet, file: string): Promise<DecodedImage> {
  return decodeImage(readFileSync(join(set.dir, file)), { maxBytes: 1e9, maxPixels: 1e9 });
}

export function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
}
