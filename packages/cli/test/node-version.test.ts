import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('chassis on a Node older than the supported range', () => {
  it('prints E_NODE_VERSION with the running and the needed version and exits 1, without a stack trace', async () => {
    const r = await run('node', ['--import', './packages/cli/test/fixtures/pretend-node-20.11.mjs', 'packages/cli/bin/chassis.js', 'data', 'list', '--data', '/nonexistent'], {
      timeout: 60_000,
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(r).not.toBeNull();
    expect(r!.code).toBe(1);
    expect(r!.stderr).toBe('E_NODE_VERSION: Chassis needs Node.js ^20.15.0 || >=22.2.0 (it uses zlib.crc32); this is Node.js 20.11.0\n');
  });
});
