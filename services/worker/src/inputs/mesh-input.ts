import { posix } from 'node:path';
import { AssayError, ErrorCode, LENGTH_UNITS, LengthUnit, type MeshDecodeInfo } from '@assay/contracts';
import { decodeImage } from '@assay/media';
import { detectMeshFormat, MESH_READER, readMesh } from '@assay/mesh-io';
import { contactSheet, MeshRenderError, RENDERER, type MeshRenderErrorCode, type RenderedView } from '@assay/mesh-render';
import { evaluateMesh, type MeshInput } from '@assay/scoring';
import type { PrepareInput } from './prepared-input.js';

/**
 * 3D assets: read in a worker thread under the mesh limits (counted from headers before parsing), then, when a
 * suite has a per-view image metric, rendered as a turntable in the process's headless browser. The views and
 * a contact sheet are kept beside the result; the metrics read the mesh and the decoded views in memory.
 */
export const prepareMesh: PrepareInput = async ({ payload, suite, bytes, signal, keep }, limits) => {
  const filename = hintedName(payload.source.key, payload.assetId);
  const container = detectMeshFormat(bytes, filename);
  const units = unitsOf(payload.attributes.units, suite.mesh?.units ?? 'm');
  const asset = await readMesh(bytes, { filename, unitScale: LENGTH_UNITS[units.unit], limits: limits.mesh, signal });
  const options = suite.mesh?.views ?? { count: 8, size: 512, elevationDeg: 20 };
  let views: MeshInput['views'] = [];
  let viewInfo: MeshDecodeInfo['views'];
  let viewsProblem: string | undefined;
  const rendered = suite.needsSamples ? await renderViews(asset, options, limits) : undefined;
  if (rendered && 'problem' in rendered) viewsProblem = rendered.problem;
  else if (rendered) {
    const [uris, sheetUri] = await Promise.all([
      Promise.all(rendered.map((v) => keep(`view-${v.index}.png`, v.png, 'image/png'))),
      contactSheet(rendered).then((sheet) => keep('contact-sheet.png', sheet, 'image/png')),
    ]);
    views = await Promise.all(rendered.map((v) => decodeImage(v.png, limits.image)));
    viewInfo = {
      renderer: RENDERER,
      count: rendered.length,
      size: options.size,
      elevationDeg: options.elevationDeg,
      uris,
      contactSheetUri: sheetUri,
    };
  }
  const triangles = asset.primitives.filter((p) => p.mode === 'triangles');
  const mesh: MeshDecodeInfo = {
    reader: MESH_READER,
    format: asset.format,
    bundle: container === 'zip',
    bytes: bytes.byteLength,
    unitScale: asset.unitScale,
    unitSource: asset.format === 'glb' || asset.format === 'gltf' ? 'gltf' : units.source,
    vertices: asset.primitives.reduce((n, p) => n + p.positions.length / 3, 0),
    triangles: triangles.reduce((n, p) => n + p.indices.length / 3, 0),
    views: viewInfo,
    limits: {
      maxBytes: limits.mesh.maxBytes,
      maxVertices: limits.mesh.maxVertices,
      maxTriangles: limits.mesh.maxTriangles,
      maxTexturePixels: limits.mesh.maxTexturePixels,
      parseTimeoutMs: limits.mesh.parseTimeoutMs,
    },
  };
  const input: MeshInput = { asset, views, viewsProblem, prompt: payload.prompt, attributes: payload.attributes };
  return { evaluate: (ctx, onTiming) => evaluateMesh(suite.metrics, input, ctx, onTiming), mesh };
};

/** Render failures that belong to the asset (it cannot be drawn): its per-view metrics are not applicable. */
const ASSET_RENDER_FAILURES: ReadonlySet<MeshRenderErrorCode> = new Set(['render_timeout', 'empty_asset', 'render_failed', 'page_crashed']);

/**
 * The turntable, or why the asset could not be drawn (its mesh metrics still score). A browser that cannot run
 * here is the worker's fault, not the asset's: `internal_error`, retried.
 */
async function renderViews(
  asset: MeshInput['asset'],
  options: { count: number; size: number; elevationDeg: number },
  limits: Parameters<PrepareInput>[1],
): Promise<RenderedView[] | { problem: string }> {
  try {
    const renderer = await limits.renderer();
    return await renderer.render(asset, {
      views: options.count,
      size: options.size,
      elevationDeg: options.elevationDeg,
      timeoutMs: limits.renderTimeoutMs,
    });
  } catch (err) {
    if (err instanceof MeshRenderError && ASSET_RENDER_FAILURES.has(err.code)) return { problem: `${err.code}: ${err.message}` };
    throw new AssayError(ErrorCode.Internal, `the views could not be rendered: ${(err as Error).message}`);
  }
}

/** The object key's file name when it has an extension (format detection falls back to it), else the asset id. */
function hintedName(key: string, assetId: string): string {
  const name = posix.basename(key);
  return posix.extname(name) ? name : assetId;
}

/** OBJ, PLY and STL carry no unit: the asset's `units` attribute, else the suite's. */
function unitsOf(attribute: unknown, suiteUnit: LengthUnit): { unit: LengthUnit; source: MeshDecodeInfo['unitSource'] } {
  if (attribute === undefined) return { unit: suiteUnit, source: 'suite' };
  const parsed = LengthUnit.safeParse(attribute);
  if (!parsed.success)
    throw new AssayError(
      ErrorCode.InvalidPayload,
      `attribute units=${JSON.stringify(attribute)}: give one of ${LengthUnit.options.join(', ')}`,
    );
  return { unit: parsed.data, source: 'attribute' };
}
