import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { AssayError, ErrorCode, toS3Uri, type ObjectRef } from '@assay/contracts';
import type { ObjectInfo, ObjectStore } from './object-store.js';

// The SDK prints a plain-text (non-JSON) notice on Node < 22 that later SDK releases will need Node 22.
// It would break the JSON log stream; the container images run Node 22 and the README states the support.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3StoreOptions {
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** per-request timeout; a hung S3 must not hold a job forever */
  requestTimeoutMs?: number;
}

function isNotFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound');
}

/**
 * Any other failure of a call (refused or reset connections, timeouts, 5xx, throttling) is the store being
 * unavailable, not a property of the object: a typed, transient `storage_unavailable` with the cause.
 */
async function storageCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AssayError || isNotFound(err)) throw err;
    const cause = err as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
    const detail = cause.code ?? cause.$metadata?.httpStatusCode ?? cause.name;
    throw new AssayError(ErrorCode.StorageUnavailable, `object storage: ${what} failed (${detail}: ${cause.message})`);
  }
}

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  constructor(options: S3StoreOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      // Custom endpoints (MinIO, s3rver, Ceph) rarely do virtual-host buckets.
      forcePathStyle: Boolean(options.endpoint),
      credentials: options.credentials,
      // Recent SDKs send CRC checksums by default; S3-compatible servers often reject them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 5_000 },
    });
  }

  async put(ref: ObjectRef, body: Uint8Array | string, contentType = 'application/octet-stream'): Promise<void> {
    await storageCall(`PUT ${toS3Uri(ref)}`, () =>
      this.client.send(new PutObjectCommand({ Bucket: ref.bucket, Key: ref.key, Body: body, ContentType: contentType })),
    );
  }

  get(ref: ObjectRef, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
    return storageCall(`GET ${toS3Uri(ref)}`, () => this.read(ref, options.maxBytes));
  }

  stream(ref: ObjectRef): Promise<AsyncIterable<Uint8Array>> {
    return storageCall(`GET ${toS3Uri(ref)}`, async () => {
      const out = await this.getObject(ref);
      return out.Body as AsyncIterable<Uint8Array>;
    });
  }

  getRange(ref: ObjectRef, start: number, end: number): Promise<Uint8Array> {
    return storageCall(`GET ${toS3Uri(ref)} bytes ${start}-${end - 1}`, async () => {
      const out = await this.getObject(ref, `bytes=${start}-${end - 1}`);
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    });
  }

  private async getObject(ref: ObjectRef, range?: string) {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, Range: range }));
    } catch (err) {
      if (isNotFound(err)) throw new AssayError(ErrorCode.SourceNotFound, `no object at ${toS3Uri(ref)}`);
      throw err;
    }
  }

  private async read(ref: ObjectRef, max: number | undefined): Promise<Uint8Array> {
    const out = await this.getObject(ref);
    if (max !== undefined && (out.ContentLength ?? 0) > max) {
      out.Body?.transformToWebStream()
        .cancel()
        .catch(() => undefined);
      throw new AssayError(ErrorCode.FileTooLarge, `${toS3Uri(ref)} is ${out.ContentLength} bytes; the limit is ${max}`);
    }
    const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    if (max !== undefined && bytes.byteLength > max) {
      throw new AssayError(ErrorCode.FileTooLarge, `${toS3Uri(ref)} is over the ${max}-byte limit`);
    }
    return bytes;
  }

  async head(ref: ObjectRef): Promise<ObjectInfo | undefined> {
    try {
      const out = await storageCall(`HEAD ${toS3Uri(ref)}`, () =>
        this.client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key })),
      );
      return { size: out.ContentLength ?? 0, etag: out.ETag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  list(bucket: string, prefix: string): Promise<string[]> {
    return storageCall(`LIST s3://${bucket}/${prefix}`, async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys;
    });
  }

  async ping(bucket: string): Promise<void> {
    await storageCall(`HEAD bucket ${bucket}`, () => this.headBucket(bucket));
  }

  private async headBucket(bucket: string): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
  }

  async ensureBucket(bucket: string): Promise<void> {
    try {
      await this.headBucket(bucket);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    }
  }

  close(): void {
    this.client.destroy();
  }
}
