import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import type { ObjectRef } from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';

/** A definition file that cannot be used: the message names the file and the field. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
}

/** Where definitions come from beside the built-in folder, applied in this order (later ones replace by name). */
export interface DefinitionSources {
  /** a folder (e.g. SUITES_DIR, POLICIES_DIR) */
  dir?: string;
  /** an S3 prefix (e.g. SUITES_URI, POLICIES_URI) */
  s3?: { store: ObjectStore; prefix: ObjectRef };
}

const isYaml = (name: string) => /\.ya?ml$/.test(name);

/** Parses and validates one file; errors name `source` and the failing field. */
export function parseDefinition<S extends z.ZodType<{ name: string }>>(
  schema: S,
  text: string,
  source: string,
): z.infer<S> & { source: string } {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new DefinitionError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DefinitionError(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { ...parsed.data, source };
}

/**
 * Named definitions: the built-in folder (sources `builtin/<file>`; none for kinds that ship only examples),
 * then `sources.dir`, then the S3 prefix; a later layer replaces an earlier definition of the same name. A name
 * twice in one layer is an error.
 */
export async function loadDefinitions<S extends z.ZodType<{ name: string }>>(
  schema: S,
  builtinDir: string | undefined,
  sources: DefinitionSources = {},
): Promise<Map<string, z.infer<S> & { source: string }>> {
  type Definition = z.infer<S> & { source: string };
  const fromDir = async (dir: string, label: string): Promise<Definition[]> => {
    const files = (await readdir(dir)).filter(isYaml).sort();
    return Promise.all(files.map(async (f) => parseDefinition(schema, await readFile(join(dir, f), 'utf8'), join(label, f))));
  };
  const fromS3 = async ({ store, prefix }: NonNullable<DefinitionSources['s3']>): Promise<Definition[]> => {
    const keys = (await store.list(prefix.bucket, prefix.key)).filter(isYaml).sort();
    return Promise.all(
      keys.map(async (key) =>
        parseDefinition(
          schema,
          Buffer.from(await store.get({ bucket: prefix.bucket, key })).toString('utf8'),
          `s3://${prefix.bucket}/${key}`,
        ),
      ),
    );
  };
  const layers = builtinDir ? [await fromDir(builtinDir, 'builtin')] : [];
  if (sources.dir) layers.push(await fromDir(sources.dir, sources.dir));
  if (sources.s3) layers.push(await fromS3(sources.s3));
  const byName = new Map<string, Definition>();
  for (const layer of layers) {
    const seen = new Set<string>();
    for (const def of layer) {
      if (seen.has(def.name)) throw new DefinitionError(`${def.source}: ${def.name} is defined twice in one place`);
      seen.add(def.name);
      byName.set(def.name, def);
    }
  }
  return byName;
}
