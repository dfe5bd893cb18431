import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { childMessageSchema, parseMessage, runJobDataSchema, runOutcomeSchema, runRequestSchema } from './messages.ts';
import { RunProcess } from './run-process.ts';
import { readExperimentIndex } from './experiment-index.ts';

const backendModule = fileURLToPath(new URL('../test/fixtures/arithmetic-backend.ts', import.meta.url));
const ctx = { dataRoot: '/data', baseDir: '/work' };
const outcome = { runId: 'run-1', status: 'completed', outDir: '/data/experiments/run-1', metrics: { pnl: 3, sharpe: null } };

describe('values crossing a process boundary are parsed, naming the bad field and where it came from', () => {
  it('a run request without a data root', () => {
    const request = { type: 'run', runId: 'run-1', definition: {}, backendModule: 'm.ts', ctx: { baseDir: '/work' } };
    expect(() => parseMessage(runRequestSchema, request, 'run request')).toThrow(/^ctx\.dataRoot: .* \(in run request\)$/);
    expect(parseMessage(runRequestSchema, { ...request, ctx }, 'run request').ctx).toEqual(ctx);
  });

  it('a child reply whose outcome has a status that is no run status', () => {
    expect(() => parseMessage(childMessageSchema, { type: 'result', outcome: { ...outcome, status: 'done' } }, 'child 7')).toThrow(/^outcome\.status: .* \(in child 7\)$/);
    expect(() => parseMessage(childMessageSchema, { type: 'progress' }, 'child 7')).toThrow(/^type: /);
  });

  it('queue job data whose timeout is not a positive integer of ms', () => {
    expect(() => parseMessage(runJobDataSchema, { runId: 'r', definition: {}, baseDir: '/w', timeoutMs: '60000' }, 'job r')).toThrow(/^timeoutMs: .* \(in job r\)$/);
  });

  it('a queue job result with an unknown field', () => {
    expect(() => parseMessage(runOutcomeSchema, { ...outcome, pnl: 3 }, 'result of job run-1')).toThrow('unknown field "pnl" (in result of job run-1)');
  });

  it('an experiment member record whose metrics are not numbers, read back from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'experiment-'));
    mkdirSync(join(dir, 'members'));
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ experimentId: 'e', name: 'n', source: 's', members: [{ runId: 'run-1', params: { a: 1 }, dataset: 'd' }] }));
    writeFileSync(join(dir, 'members', 'run-1.json'), JSON.stringify({ runId: 'run-1', status: 'completed', params: { a: 1 }, dataset: 'd', outDir: null, metrics: { pnl: '3' }, error: null }));
    expect(() => readExperimentIndex(dir)).toThrow(`metrics.pnl: Invalid input: expected number, received string (in ${join(dir, 'members', 'run-1.json')})`);
  });
});

describe('a run child process', () => {
  const proc = new RunProcess(backendModule);
  afterAll(() => proc.stop());
  const definition = (mode: string) => ({ strategy: { params: { a: 1, b: 1, mode } }, window: { from: 'x', to: 'y' } });

  it('answers a request with a malformed context with an error naming the field, not a run', async () => {
    const reply = await proc.run({ runId: 'run-1', definition: definition('ok'), backendModule, ctx: { dataRoot: '' } as never });
    expect(reply).toMatchObject({ type: 'error', message: expect.stringMatching(/^E_BAD_MESSAGE: ctx\.dataRoot: .*ctx\.baseDir: /) });
  });

  it('validates the definition again in the child with the backend, naming the field', async () => {
    const reply = await proc.run({ runId: 'run-1', definition: { ...definition('ok'), workMs: -1 }, backendModule, ctx: { dataRoot: mkdtempSync(join(tmpdir(), 'd-')), baseDir: '/' } });
    expect(reply).toMatchObject({ type: 'error', message: expect.stringMatching(/^E_RUN_INVALID: run run-1: workMs: /) });
  });

  it('turns a reply the parent cannot parse into an error naming the field, and replaces nothing silently', async () => {
    const child = new RunProcess(backendModule);
    const reply = await child.run({ runId: 'run-2', definition: definition('bad_outcome'), backendModule, ctx: { dataRoot: mkdtempSync(join(tmpdir(), 'd-')), baseDir: '/' } });
    expect(reply).toMatchObject({ type: 'error', message: expect.stringMatching(/^E_BAD_MESSAGE: outcome\.status: .*\(in a message of run process \d+\)$/) });
    await child.stop();
    expect(child.alive).toBe(false);
  });
});
