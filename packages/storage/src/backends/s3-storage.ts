import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ChassisError } from '@chassis/core';
import { assertKey, type ObjectStat, type StagedDir, type Storage, type WriteHook } from './storage.ts';

export interface S3StorageOptions {
  /** s3://bucket/optional/prefix */
  readonly url: string;
  /** S3-compatible endpoint, e.g. http://127.0.0.1:4569 (env CHASSIS_S3_ENDPOINT). */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Local directory for staged writes and cached reads (default: OS temp dir). */
  readonly cacheDir?: string;
  readonly beforeWrite?: WriteHook;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * S3-compatible object store with the same key layout as the local backend. A single PUT is
 * atomic; a staged directory is uploaded file by file and becomes visible when its catalog entry
 * is written (the catalog is the only way readers discover datasets), so a crash mid-upload
 * leaves unreachable objects, never a visible partial dataset.
 */
export class S3Storage implements Storage {
  readonly kind = 's3' as const;
  readonly root: string;
  private readonly config: S3ClientConfig;
  /** The SDK is loaded on first use: ~110 ms of module loading that a local-root command never needs. */
  private sdk: Promise<{ readonly client: S3Client; readonly s3: typeof import('@aws-sdk/client-s3') }> | undefined;
  private client: S3Client | undefined;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly cacheDir: string;
  private readonly beforeWrite: WriteHook | undefined;

  constructor(options: S3StorageOptions) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(options.url);
    if (!m) throw new ChassisError('E_STORAGE_URL', `not an s3://bucket/prefix url: "${options.url}"`);
    this.bucket = m[1]!;
    this.prefix = m[2]!.replace(/\/+$/, '');
    this.root = options.url;
    const endpoint = options.endpoint ?? process.env.CHASSIS_S3_ENDPOINT;
    this.config = {
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: true,
      // Checksums only when the operation needs them: the default streams uploads as aws-chunked
      // with trailing CRCs, which several S3-compatible servers store verbatim (corrupt objects).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(endpoint ? { endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.cacheDir = options.cacheDir ?? join(tmpdir(), 'chassis-s3-cache');
    this.beforeWrite = options.beforeWrite;
  }

  private connect(): Promise<{ readonly client: S3Client; readonly s3: typeof import('@aws-sdk/client-s3') }> {
    this.sdk ??= import('@aws-sdk/client-s3').then((s3) => {
      this.client = new s3.S3Client(this.config);
      return { client: this.client, s3 };
    });
    return this.sdk;
  }

  private objectKey(key: string): string {
    assertKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.beforeWrite?.(key);
    const { client, s3 } = await this.connect();
    await client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: bytes, ContentLength: bytes.byteLength }));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    await this.beforeWrite?.(key);
    const { size } = await stat(localPath);
    const { client, s3 } = await this.connect();
    await client.send(
      new s3.PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: createReadStream(localPath), ContentLength: size }),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    const { client, s3 } = await this.connect();
    try {
      const res = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return await res.Body!.transformToByteArray();
    } catch (err) {
      if (isNotFound(err)) throw new ChassisError('E_NOT_FOUND', `no object ${key} in ${this.root}`);
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    const { client, s3 } = await this.connect();
    try {
      const res = await client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    const out: string[] = [];
    let token: string | undefined;
    const { client, s3 } = await this.connect();
    do {
      const res = await client.send(new s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token }));
      for (const o of res.Contents ?? []) if (o.Key) out.push(this.prefix ? o.Key.slice(this.prefix.length + 1) : o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    const { client, s3 } = await this.connect();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  /** Downloads once into the cache (keyed by bucket+key+size), renamed into place when complete. */
  async localPath(key: string): Promise<string> {
    const st = await this.stat(key);
    if (!st) throw new ChassisError('E_NOT_FOUND', `no object ${key} in ${this.root}`);
    const name = createHash('sha256').update(`${this.bucket}/${this.objectKey(key)}:${st.size}`).digest('hex').slice(0, 32);
    const dest = join(this.cacheDir, `${name}-${key.split('/').pop()}`);
    const have = await stat(dest).catch(() => null);
    if (have && have.size === st.size) return dest;
    await mkdir(this.cacheDir, { recursive: true });
    const tmp = `${dest}.${process.pid}.part`;
    await writeFile(tmp, await this.get(key));
    await rename(tmp, dest);
    return dest;
  }

  async stage(): Promise<StagedDir> {
    await mkdir(join(this.cacheDir, 'staging'), { recursive: true });
    const dir = await mkdtemp(join(this.cacheDir, 'staging', 'tx-'));
    return { dir, id: relative(join(this.cacheDir, 'staging'), dir) };
  }

  async commit(staged: StagedDir, prefix: string): Promise<boolean> {
    try {
      const files = await walk(staged.dir);
      const keys = files.map((f) => `${prefix}/${relative(staged.dir, f).split(sep).join('/')}`);
      if (keys.length > 0 && (await this.stat(keys[0]!)) !== null) return false;
      for (let i = 0; i < files.length; i++) await this.putFile(keys[i]!, files[i]!);
      return true;
    } finally {
      await rm(staged.dir, { recursive: true, force: true });
    }
  }

  async abort(staged: StagedDir): Promise<void> {
    await rm(staged.dir, { recursive: true, force: true });
  }

  private readonly locks = new Map<string, Promise<unknown>>();

  /** In-process only: S3 offers no portable create-if-absent here, so one writing process per root. */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(name) ?? Promise.resolve()).then(fn);
    this.locks.set(name, run.catch(() => undefined));
    return run;
  }

  close(): void {
    this.client?.destroy();
  }
}
