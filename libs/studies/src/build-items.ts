import {
  AssayError,
  ErrorCode,
  parseS3Uri,
  RunObjects,
  type CreateStudyRequest,
  type GoldItemRequest,
  type ResultRecord,
  type RunRecord,
  type StudyItem,
  type StudyItemAsset,
} from '@assay/contracts';
import { ResultParts } from '@assay/results';
import { createRng } from '@assay/stats';
import type { ObjectStore } from '@assay/storage';

/** A closed run to rate: its record and how many records its result stream holds. */
export interface RunToRate {
  run: RunRecord;
  records: number;
}

/** What the study shows of a scored asset; undefined when there is nothing to show (a 3D asset without views). */
export function itemAsset(result: ResultRecord): StudyItemAsset | undefined {
  const uri = result.modality === '3d' ? result.mesh?.views?.contactSheetUri : result.sourceUri;
  if (!uri) return undefined;
  return {
    runId: result.runId,
    assetId: result.assetId,
    modelVersion: result.modelVersion,
    modality: result.modality,
    uri,
    scores: result.scores,
  };
}

/** The key that pairs assets of different runs: the prompt, or an attribute. */
function pairKey(result: ResultRecord, pairBy: string): string | undefined {
  const value = pairBy === 'prompt' ? result.prompt : result.attributes[pairBy];
  return value === undefined ? undefined : String(value);
}

/**
 * The items of a study: every scored asset (Likert, binary), or (pairwise) one item per pair of runs sharing a
 * prompt — the earlier run in the request is `a` — then a seeded sample of `maxItems`. Failed assets and
 * assets with nothing to show are left out.
 */
export async function buildItems(
  store: ObjectStore,
  bucket: string,
  req: CreateStudyRequest,
  runs: readonly RunToRate[],
): Promise<StudyItem[]> {
  const parts = new ResultParts(store, bucket);
  const perRun: ResultRecord[][] = [];
  for (const { run, records } of runs) {
    const scored: ResultRecord[] = [];
    for await (const { record } of parts.records(run.id, records))
      if (record.status === 'completed' && itemAsset(record)) scored.push(record);
    perRun.push(scored.sort((a, b) => a.assetId.localeCompare(b.assetId)));
  }
  const candidates = req.protocol === 'pairwise' ? pairs(perRun, req.pairBy) : perRun.flat().map((r) => single(r));
  if (!candidates.length)
    throw new AssayError(
      ErrorCode.StudyEmpty,
      req.protocol === 'pairwise'
        ? `no ${req.pairBy === 'prompt' ? 'prompt' : `attribute ${req.pairBy}`} is shared by scored assets of two of the runs`
        : 'the runs have no scored assets to rate',
    );
  const sampled = sample(candidates, req.maxItems, req.seed);
  return sampled.map((item, i) => ({ ...item, id: `i-${String(i + 1).padStart(6, '0')}` }));
}

type Unnumbered = Omit<StudyItem, 'id'>;

function single(r: ResultRecord): Unnumbered {
  return { gold: false, prompt: r.prompt, assets: [itemAsset(r)!], attributes: r.attributes };
}

function pairs(perRun: ResultRecord[][], pairBy: string): Unnumbered[] {
  const byKey = perRun.map((results) => {
    const first = new Map<string, ResultRecord>();
    for (const r of results) {
      const key = pairKey(r, pairBy);
      if (key !== undefined && !first.has(key)) first.set(key, r);
    }
    return first;
  });
  const out: Unnumbered[] = [];
  for (let i = 0; i < byKey.length; i++)
    for (let j = i + 1; j < byKey.length; j++)
      for (const [key, a] of byKey[i]) {
        const b = byKey[j].get(key);
        if (b) out.push({ gold: false, prompt: a.prompt ?? b.prompt, assets: [itemAsset(a)!, itemAsset(b)!], attributes: a.attributes });
      }
  return out;
}

/** A seeded partial Fisher–Yates: the same request always rates the same items, in their original order. */
function sample<T>(items: T[], max: number | undefined, seed: number): T[] {
  if (max === undefined || items.length <= max) return items;
  const rng = createRng(seed);
  const index = items.map((_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + rng.nextInt(index.length - i);
    [index[i], index[j]] = [index[j], index[i]];
  }
  return index
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

/** Gold items: each asset read from its run's stored result (any closed run), checked against the protocol. */
export async function buildGoldItems(
  store: ObjectStore,
  bucket: string,
  req: CreateStudyRequest,
  gold: readonly GoldItemRequest[],
): Promise<StudyItem[]> {
  const items: StudyItem[] = [];
  for (const [i, g] of gold.entries()) {
    const path = `gold.items.${i}`;
    const want = req.protocol === 'pairwise' ? 2 : 1;
    if (g.assets.length !== want) throw goldError(path, `a ${req.protocol} gold item shows ${want} asset(s), got ${g.assets.length}`);
    const kind = 'preferred' in g.expected ? 'pairwise' : 'ratings' in g.expected ? 'likert' : 'binary';
    if (kind !== req.protocol)
      throw goldError(`${path}.expected`, `a ${req.protocol} study needs ${req.protocol} expectations, got ${kind}`);
    const keys = 'ratings' in g.expected ? Object.keys(g.expected.ratings) : 'checks' in g.expected ? Object.keys(g.expected.checks) : [];
    const unknown = keys.filter((key) => !req.dimensions.some((d) => d.key === key));
    if (unknown.length) throw goldError(`${path}.expected`, `no dimension ${unknown.join(', ')} in the rubric`);
    const assets: StudyItemAsset[] = [];
    for (const ref of g.assets) {
      const bytes = await store
        .get({ bucket, key: RunObjects.assetResult(ref.runId, ref.assetId) })
        .catch(() => undefined)
        .then((b) => b && (JSON.parse(Buffer.from(b).toString('utf8')) as ResultRecord));
      const asset = bytes && bytes.status === 'completed' ? itemAsset(bytes) : undefined;
      if (!asset) throw goldError(path, `run ${ref.runId} has no scored asset ${ref.assetId} to show`);
      assets.push(asset);
    }
    items.push({
      id: `g-${String(i + 1).padStart(4, '0')}`,
      gold: true,
      prompt: g.prompt,
      assets,
      attributes: {},
      expected: g.expected,
    });
  }
  return items;
}

const goldError = (path: string, message: string) =>
  new AssayError(ErrorCode.ValidationFailed, `gold item invalid: ${message}`, [{ path, message }]);

/** Where an item asset's bytes are in the object store, or undefined for a URI outside it. */
export const assetObject = (asset: StudyItemAsset) => parseS3Uri(asset.uri);
