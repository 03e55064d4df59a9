import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

/** s3rver's fixed credentials. */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface EmbeddedS3 {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A real S3 API server on a local folder (s3rver), the default when no S3 endpoint is configured.
 * Local development and tests only: it is single-process and keeps objects as plain files.
 */
export async function startEmbeddedS3(options: {
  directory: string;
  buckets: string[];
  host?: string;
  port?: number;
}): Promise<EmbeddedS3> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { address, port } = (await server.run()) as { address: string; port: number };
  return { endpoint: `http://${address}:${port}`, close: () => server.close() };
}
