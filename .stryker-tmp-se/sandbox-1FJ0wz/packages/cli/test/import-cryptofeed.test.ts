// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const run = promisify(execFile);
const CLI = 'packages/cli/bin/chassis.js';
const CF = `${dataFixturesDir}/cryptofeed`;

interface Imported {
  readonly file: string;
  readonly datasets: { kind: string; state: string; outcome: string; gaps: string[] }[];
}

describe('chassis import of a cryptofeed capture with its REST snapshot file', () => {
  it('pairs X.ws.1.0 with X.http.0.0 given on the same command line: one source, 4 book datasets promoted, 0 gaps', async () => {
    // Given together, the .http file belongs to the .ws capture and is not imported as a source of its own.
    const dir = mkdtempSync(join(tmpdir(), 'chassis-cf-'));
    for (const f of ['BINANCE_FUTURES.ws.1.0', 'BINANCE_FUTURES.http.0.0']) copyFileSync(join(CF, f), join(dir, f));
    const data = mkdtempSync(join(tmpdir(), 'chassis-cli-'));
    const out = await run('node', [CLI, 'import', join(dir, 'BINANCE_FUTURES.ws.1.0'), join(dir, 'BINANCE_FUTURES.http.0.0'), '--data', data, '--json']);
    const results = JSON.parse(out.stdout) as Imported[];
    expect(results.map((r) => r.file)).toEqual([join(dir, 'BINANCE_FUTURES.ws.1.0')]);
    const books = results[0]!.datasets.filter((d) => d.kind === 'book_delta');
    expect(books).toHaveLength(4);
    expect(results[0]!.datasets.every((d) => d.outcome === 'promoted' && d.gaps.length === 0)).toBe(true);
  });
});
