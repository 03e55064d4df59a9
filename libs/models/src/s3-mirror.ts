import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ObjectRef } from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';

/**
 * Copies an S3 prefix of models (manifests, ONNX files, vocabularies) into a local cache folder, skipping
 * objects already there with the same size; ONNX Runtime loads from local files. Hashes are checked when a
 * model is loaded, so a stale or corrupt copy is refused there.
 */
export async function mirrorS3Prefix(store: ObjectStore, prefix: ObjectRef, cacheDir: string): Promise<string> {
  const local = join(cacheDir, prefix.bucket, prefix.key);
  for (const key of await store.list(prefix.bucket, prefix.key)) {
    if (key.endsWith('/')) continue;
    const target = join(local, relative(prefix.key, key));
    const head = await store.head({ bucket: prefix.bucket, key });
    if (head && existsSync(target) && statSync(target).size === head.size) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await store.get({ bucket: prefix.bucket, key }));
  }
  return local;
}
