import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { parseMesh, type MeshAsset } from '@assay/mesh-io';
import { MODELS } from '../../../test/helpers/meshes.js';

/** Debian's chromium and assimp-testmodels (CI installs both); the render tests skip with a warning without them. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CAN_RENDER = existsSync(CHROMIUM) && existsSync(MODELS);
if (!CAN_RENDER)
  console.warn(`${CHROMIUM} or ${MODELS} is missing (apt-get install chromium assimp-testmodels): the render tests are skipped`);

export const BOX_TEXTURED = 'glTF2/BoxTextured-glTF-Binary/BoxTextured.glb';
export const ENGINE = 'glTF2/2CylinderEngine-glTF-Binary/2CylinderEngine.glb';
export const SPIDER = 'STL/Spider_binary.stl';

export const readModel = (path: string): Promise<MeshAsset> =>
  parseMesh(new Uint8Array(readFileSync(join(MODELS, path))), { filename: basename(path) });

export { MODELS, triangleCount } from '../../../test/helpers/meshes.js';

export interface PixelStats {
  width: number;
  height: number;
  /** share of pixels that differ from the top left one (the background) */
  coverage: number;
  /** mean rgb of those pixels */
  objectMean: [number, number, number];
}

export async function pixelStats(png: Uint8Array): Promise<PixelStats> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < data.length; i += 3) {
    if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) <= 6) continue;
    sum[0] += data[i];
    sum[1] += data[i + 1];
    sum[2] += data[i + 2];
    n++;
  }
  return {
    width: info.width,
    height: info.height,
    coverage: n / (info.width * info.height),
    objectMean: sum.map((s) => s / Math.max(n, 1)) as [number, number, number],
  };
}

/** Mean rgb of an encoded image. */
export async function meanColour(bytes: Uint8Array): Promise<[number, number, number]> {
  const { channels } = await sharp(bytes).removeAlpha().stats();
  return [channels[0].mean, channels[1].mean, channels[2].mean];
}

/** Children of this test process whose command is chromium's (pid, command). */
export function chromiumChildren(): { pid: number; comm: string }[] {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,stat=,comm=']).toString();
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, stat, comm]) => pid && comm && /chrom/.test(comm) && !stat.startsWith('Z'))
    .map(([pid, , comm]) => ({ pid: Number(pid), comm }));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
