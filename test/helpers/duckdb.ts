import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ObjectStore } from '@assay/storage';

/** A query's rows as JSON values (BIGINT and DATE come back as strings, DOUBLE as numbers). */
export type Rows = Record<string, unknown>[];

/** An in-memory DuckDB for reading Parquet files the tests downloaded (httpfs cannot be installed here). */
export async function duckdb(): Promise<{ query(sql: string): Promise<Rows>; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson(),
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Copies objects of the bucket into `dir` under their keys, so a key's Hive partitions are folders there too. */
export async function download(store: ObjectStore, bucket: string, keys: string[], dir: string): Promise<void> {
  for (const key of keys) {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await store.get({ bucket, key }));
  }
}
