/**
 * The parity image set and the Python reference implementations, shared by the parity tests. Python is
 * Debian's (`/usr/bin/python3` with python3-opencv, python3-skimage, python3-scipy; .ci/run installs
 * them), not whatever python3 is first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function python(args: string[]): string {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

let cached: ParitySet | undefined;

/** Writes the image set once per test process (a few seconds) into a temporary folder. */
export function paritySet(): ParitySet {
  if (!cached) {
    const dir = mkdtempSync(join(tmpdir(), 'assay-parity-'));
    python(['test/parity/make_images.py', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Omit<ParitySet, 'dir'>;
    cached = { dir, ...manifest };
  }
  return cached;
}

/** Runs a reference script over the set; it prints one JSON object on stdout. */
export function runReference<T = Record<string, Record<string, number>>>(script: string, set: ParitySet = paritySet(), extra: string[] = []): T {
  return JSON.parse(python([script, set.dir, ...extra])) as T;
}

export async function loadParityImage(set: ParitySet, file: string): Promise<DecodedImage> {
  return decodeImage(readFileSync(join(set.dir, file)), { maxBytes: 1e9, maxPixels: 1e9 });
}

export function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
}
