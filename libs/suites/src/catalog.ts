import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ObjectRef } from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';
import { SuiteFile, type SuiteDefinition } from './schema.js';

export class SuiteError extends Error {
  override name = 'SuiteError';
}

/** The suites shipped with Assay: `libs/suites/suites/*.yaml`. */
export const BUILTIN_SUITES_DIR = fileURLToPath(new URL('../suites/', import.meta.url));

const isSuiteFile = (name: string) => /\.ya?ml$/.test(name);

function parseSuite(text: string, source: string): SuiteDefinition {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new SuiteError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = SuiteFile.safeParse(raw);
  if (!parsed.success) {
    throw new SuiteError(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { ...parsed.data, source };
}

/** `label` names the folder in errors and in each suite's `source` (built-in suites: `builtin/<file>`). */
async function fromDir(dir: string, label = dir): Promise<SuiteDefinition[]> {
  const files = (await readdir(dir)).filter(isSuiteFile).sort();
  return Promise.all(files.map(async (f) => parseSuite(await readFile(join(dir, f), 'utf8'), join(label, f))));
}

async function fromS3(store: ObjectStore, prefix: ObjectRef): Promise<SuiteDefinition[]> {
  const keys = (await store.list(prefix.bucket, prefix.key)).filter(isSuiteFile).sort();
  return Promise.all(
    keys.map(async (key) =>
      parseSuite(Buffer.from(await store.get({ bucket: prefix.bucket, key })).toString('utf8'), `s3://${prefix.bucket}/${key}`),
    ),
  );
}

export interface SuiteSources {
  /** SUITES_DIR: suites here add to or replace the built-in ones by name */
  dir?: string;
  /** SUITES_URI: the same from an S3 prefix (applied after dir) */
  s3?: { store: ObjectStore; prefix: ObjectRef };
}

/** Every suite a service knows: built-in, then overrides. Loaded once at start; a bad file stops the start. */
export class SuiteCatalog {
  private constructor(private readonly byName: Map<string, SuiteDefinition>) {}

  static async load(sources: SuiteSources = {}): Promise<SuiteCatalog> {
    const layers = [await fromDir(BUILTIN_SUITES_DIR, 'builtin')];
    if (sources.dir) layers.push(await fromDir(sources.dir));
    if (sources.s3) layers.push(await fromS3(sources.s3.store, sources.s3.prefix));
    const byName = new Map<string, SuiteDefinition>();
    for (const layer of layers) {
      const seen = new Set<string>();
      for (const suite of layer) {
        if (seen.has(suite.name)) throw new SuiteError(`${suite.source}: suite ${suite.name} is defined twice in one place`);
        seen.add(suite.name);
        byName.set(suite.name, suite);
      }
    }
    return new SuiteCatalog(byName);
  }

  get(name: string): SuiteDefinition | undefined {
    return this.byName.get(name);
  }

  list(): SuiteDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
