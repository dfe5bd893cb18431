// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const run = promisify(execFile);
const CLI = 'packages/cli/bin/chassis.js';
const USDM = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;

describe('chassis import / data ls / data show / quality report', () => {
  it('imports the USD-M capture and lists the promoted datasets as JSON', async () => {
    const data = mkdtempSync(join(tmpdir(), 'chassis-cli-'));
    const imp = await run('node', [CLI, 'import', USDM, '--data', data]);
    expect(imp.stdout).toMatch(/PROMOTED +ds_[0-9a-f]{24} +binance-usdm BTCUSDT book_delta/);
    const ls = JSON.parse((await run('node', [CLI, 'data', 'ls', '--json', '--data', data])).stdout) as Record<string, unknown>[];
    expect(new Set(ls.map((d) => d.kind))).toEqual(new Set(['book_delta', 'trade', 'bbo']));
    for (const d of ls) {
      expect(d).toMatchObject({ venue: 'binance-usdm', instrument: 'BTCUSDT', state: 'Promoted' });
      expect(d.start).toMatch(/^2024-08-0[89]T/);
      expect(typeof d.rows).toBe('number');
      expect(BigInt(d.endNs as string)).toBeGreaterThanOrEqual(BigInt(d.startNs as string));
    }
    const again = await run('node', [CLI, 'import', USDM, '--data', data]);
    expect(again.stdout).toMatch(/ALREADY_PRESENT/);
    const show = JSON.parse((await run('node', [CLI, 'data', 'show', ls[0]!.id as string, '--data', data])).stdout) as Record<string, unknown>;
    expect(show).toMatchObject({ id: ls[0]!.id, instrument: { symbol: 'BTCUSDT', tickSize: '0.10' } });
    const report = await run('node', [CLI, 'quality', 'report', ls[0]!.id as string, '--data', data]);
    expect(report.stdout).toMatch(/PASS +sequence/);
    expect(report.stdout).toMatch(/Promotable → Promoted/);
  });

  it('prints E_DATASET_NOT_FOUND and exits non-zero for an unknown dataset id', async () => {
    const data = mkdtempSync(join(tmpdir(), 'chassis-cli-'));
    const err = await run('node', [CLI, 'data', 'show', 'ds_nope', '--data', data]).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toMatch(/^E_DATASET_NOT_FOUND: no dataset ds_nope/);
  });
});
