// @ts-nocheck
import { mkdir, open, readFile, readdir, rename, rm, stat, copyFile, mkdtemp } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChassisError } from '@chassis/core';
import { withLockFile } from './lock-file.ts';
import { assertKey, type ObjectStat, type StagedDir, type Storage, type WriteHook } from './storage.ts';

/** fsync a file or directory so a rename that follows is durable (POSIX crash safety). */
async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/**
 * The embedded default: a local directory. Atomicity by write-to-staging, fsync file, rename,
 * fsync the parent directory; a crash leaves at most an orphan under staging/, never a partial
 * object or dataset under its final key.
 */
export class FsStorage implements Storage {
  readonly kind = 'fs' as const;
  readonly root: string;
  private readonly beforeWrite: WriteHook | undefined;

  constructor(root: string, options?: { beforeWrite?: WriteHook }) {
    this.root = root;
    this.beforeWrite = options?.beforeWrite;
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, ...key.split('/'));
  }

  private tmpName(): string {
    return `tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const dest = this.path(key);
    await this.beforeWrite?.(key);
    const tmpDir = join(this.root, 'staging', 'objects');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, this.tmpName());
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    await mkdir(dirname(dest), { recursive: true });
    await rename(tmp, dest);
    await fsyncPath(dirname(dest));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const dest = this.path(key);
    await this.beforeWrite?.(key);
    const tmpDir = join(this.root, 'staging', 'objects');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, this.tmpName());
    try {
      await copyFile(localPath, tmp);
      await fsyncPath(tmp);
      await mkdir(dirname(dest), { recursive: true });
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await fsyncPath(dirname(dest));
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ChassisError('E_NOT_FOUND', `no object ${key} in ${this.root}`);
      throw err;
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = prefix.replace(/\/+$/, '');
    const files = await walk(base.length ? this.path(base) : this.root);
    return files.map((f) => relative(this.root, f).split(sep).join('/')).sort();
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async localPath(key: string): Promise<string> {
    const p = this.path(key);
    if ((await this.stat(key)) === null) throw new ChassisError('E_NOT_FOUND', `no object ${key} in ${this.root}`);
    return p;
  }

  async stage(): Promise<StagedDir> {
    const base = join(this.root, 'staging');
    await mkdir(base, { recursive: true });
    const dir = await mkdtemp(join(base, 'tx-'));
    return { dir, id: relative(base, dir) };
  }

  async commit(staged: StagedDir, prefix: string): Promise<boolean> {
    const dest = this.path(prefix);
    try {
      const files = await walk(staged.dir);
      for (const f of files) {
        await this.beforeWrite?.(`${prefix}/${relative(staged.dir, f).split(sep).join('/')}`);
        await fsyncPath(f);
      }
      await fsyncPath(staged.dir);
      if ((await stat(dest).catch(() => null)) !== null) return false;
      await mkdir(dirname(dest), { recursive: true });
      await rename(staged.dir, dest);
      await fsyncPath(dirname(dest));
      return true;
    } finally {
      await rm(staged.dir, { recursive: true, force: true });
    }
  }

  async abort(staged: StagedDir): Promise<void> {
    await rm(staged.dir, { recursive: true, force: true });
  }

  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`invalid lock name "${name}"`);
    return withLockFile(join(this.root, 'staging', 'locks', `${name}.lock`), fn);
  }
}
