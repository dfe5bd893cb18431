// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dataFixturesDir } from '../../../examples/data/index.ts';
import { freePort } from '../../../test/loopback-port.ts';

const run = promisify(execFile);
const CLI = 'packages/cli/bin/chassis.js';
const USDM = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;

/** Runs the CLI expecting failure; returns its exit code and stderr. */
async function fails(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const r = await run('node', [CLI, ...args], { timeout: 60_000 }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(r, `chassis ${args.join(' ')} should fail`).not.toBeNull();
  return r!;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'chassis-bad-cli-'));

describe('chassis commands on bad input print E_CODE: message and exit non-zero', () => {
  it('import of a directory says it is a directory', async () => {
    const data = tmp();
    const dir = tmp();
    const r = await fails(['import', dir, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`E_IMPORT_SOURCE: ${dir} is a directory; give the capture files in it (e.g. ${dir}/*.gz)\n`);
  });

  it('import of a text file that is not a capture names that file and leaves the data root empty', async () => {
    const data = tmp();
    const file = join(tmp(), 'hello.txt');
    writeFileSync(file, 'hello\n');
    const r = await fails(['import', file, '--data', data]);
    expect(r.stderr).toMatch(new RegExp(`^E_UNKNOWN_LAYOUT: ${file}: not a known capture layout`));
    expect(existsSync(join(data, 'raw'))).toBe(false);
  });

  it('a --data path below a regular file is an E_IO error naming the path, not E_INTERNAL', async () => {
    const file = join(tmp(), 'plain-file');
    writeFileSync(file, '');
    const r = await fails(['import', USDM, '--data', join(file, 'data')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^E_IO: ${file}/data/\\S+: a path component is a file, not a directory \\(ENOTDIR`));
  });

  it('worker --queue with nothing listening fails fast with E_QUEUE_UNREACHABLE', async () => {
    const port = await freePort();
    const data = tmp();
    const w = await fails(['worker', '--queue', `redis://127.0.0.1:${port}`, '--data', data]);
    expect(w.stderr).toMatch(new RegExp(`^E_QUEUE_UNREACHABLE: --queue redis://127.0.0.1:${port}: no Redis answering at 127.0.0.1:${port} \\(connect ECONNREFUSED`));
  });
});
