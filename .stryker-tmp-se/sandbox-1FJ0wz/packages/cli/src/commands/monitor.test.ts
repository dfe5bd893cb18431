// @ts-nocheck
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/loopback-port.ts';

const chassis = fileURLToPath(new URL('../../bin/chassis.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [chassis, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, done, out: () => out, err: () => err };
}

describe('chassis monitor up', () => {
  it('starts Prometheus on loopback with the shipped config and rules, and stops it on SIGTERM', async () => {
    const port = await freePort();
    const cmd = run([
      'monitor',
      'up',
      '--port',
      String(port),
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'chassis-monup-')),
    ]);
    try {
      const deadline = Date.now() + 30_000;
      while (!cmd.out().includes('Prometheus ready at') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(cmd.out()).toContain(`Prometheus ready at http://127.0.0.1:${port}`);
      const rules = (await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string }> }> };
      };
      const names = rules.data.groups.flatMap((g) => g.rules.map((r) => r.name));
      expect(names).toContain('ChassisKillSwitchEngaged');
      expect(names).toContain('ChassisSweepStalled');
      // Target discovery runs asynchronously after readiness (file_sd included).
      let pools = new Set<string>();
      for (let i = 0; i < 50 && pools.size < 3; i++) {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as {
          data: { activeTargets: Array<{ scrapePool: string }> };
        };
        pools = new Set(targets.data.activeTargets.map((t) => t.scrapePool));
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(pools).toEqual(new Set(['chassis', 'chassis-sweep-workers', 'chassis-pushgateway']));
      cmd.child.kill('SIGTERM');
      expect(await cmd.done).toBe(0);
      expect(cmd.out()).toContain('Prometheus stopped');
      await expect(fetch(`http://127.0.0.1:${port}/-/ready`)).rejects.toThrow();
    } finally {
      if (cmd.child.exitCode === null) {
        cmd.child.kill('SIGTERM');
        await cmd.done;
      }
    }
  });

  it('says how to install Prometheus when the binary is not on PATH', async () => {
    const cmd = run(['monitor', 'up', '--port', String(await freePort())], { ...process.env, PATH: '/nonexistent' });
    expect(await cmd.done).toBe(1);
    expect(cmd.err()).toMatch(
      /^E_PROMETHEUS_MISSING: the prometheus binary is not on PATH; install it \(Debian\/Ubuntu: apt-get install prometheus/,
    );
  });

  it('refuses a Prometheus port already in use', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const { port } = srv.address() as { port: number };
    const cmd = run(['monitor', 'up', '--port', String(port)]);
    expect(await cmd.done).toBe(1);
    srv.close();
    expect(cmd.err()).toContain(`E_PORT_IN_USE: port ${port} is already in use on 127.0.0.1`);
  });
});
