// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = 'packages/cli/bin/chassis.js';

describe('chassis demo on a fresh data root', () => {
  it('imports the bundled capture, backtests the market maker and writes a self-contained HTML report in the run directory', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'chassis-demo-')), 'data');
    const first = await run('node', [CLI, 'demo', '--data', data], { maxBuffer: 1 << 24 });
    expect(first.stdout).toMatch(/Promoted +book_delta/);
    const m = /report +(\S+report\.html)/.exec(first.stdout);
    expect(m, first.stdout).not.toBeNull();
    const report = m![1]!;
    const runDir = /artifacts +(\S+)/.exec(first.stdout)![1]!;
    expect(report).toBe(join(runDir, 'report.html'));
    const html = readFileSync(report, 'utf8');
    expect(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Self-contained: charts inline, nothing fetched from a network.
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).toContain(`Run ${runDir.split('/').at(-1)}`);
    expect(statSync(report).size).toBeGreaterThan(10_000);
    // A re-run reuses the data and rewrites the same run with its report.
    const again = JSON.parse((await run('node', [CLI, 'demo', '--data', data, '--json'], { maxBuffer: 1 << 24 })).stdout) as { outDir: string; report: string; status: string };
    expect(again).toMatchObject({ outDir: runDir, report, status: 'completed' });
    expect(existsSync(again.report)).toBe(true);
  }, 120_000);
});
