// End to end, as issue 12's "Done when": paper-trade examples/strategies/market-maker.ts
// (examples/live.yaml) on the venue server's binance-usdm feed, SIGKILL it, start the same session
// again, engage the kill switch through `chassis ctl`, stop it with SIGTERM, `chassis replay` it;
// then promote its recorded raw windows, backtest one with the same strategy and compare.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Event } from '@chassis/core';
import { journalOf, until } from './journal-watch.ts';
import { runChassis, startChassis } from '../../../../test/chassis-process.ts';
import { startVenueServer } from '../../../../test/venue-server/index.ts';

const liveYaml = resolve(import.meta.dirname, '../../../../examples/live.yaml');
const marketMaker = resolve(import.meta.dirname, '../../../../examples/strategies/market-maker.ts');

interface CatalogDataset {
  id: string;
  kind: string;
  startNs: string;
  endNs: string;
  provenance: { manifestKey: string };
}
interface ParityJson {
  session: { orders: number; fills: number };
  backtest: { orders: number; fills: number };
  differences: unknown[];
  byAttribution: Record<string, number>;
}
const jsonLines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const promotedDatasets = (data: string): CatalogDataset[] =>
  (JSON.parse(readFileSync(join(data, 'canonical', '_catalog.json'), 'utf8')) as { datasets: CatalogDataset[] })
    .datasets;
/** The raw window manifest a dataset was promoted from. */
const rawManifestOf = (data: string, d: CatalogDataset) => {
  const m = JSON.parse(readFileSync(join(data, d.provenance.manifestKey), 'utf8')) as {
    firstCaptureNs: string;
    capture: { session: string };
  };
  return { firstCaptureNs: BigInt(m.firstCaptureNs), session: m.capture.session };
};
const captureSessionOf = (data: string, d: CatalogDataset): string => rawManifestOf(data, d).session;

/** The raw part files the session's recorder has flushed under <data>/raw/. */
const rawPartFiles = (data: string): string[] =>
  existsSync(join(data, 'raw'))
    ? readdirSync(join(data, 'raw'), { recursive: true, encoding: 'utf8' }).filter((f) =>
        /part-\d+-.*\.jsonl\.gz$/.test(f),
      )
    : [];

describe('chassis paper end to end', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('paper-trades the market maker, survives a SIGKILL, stops on the kill switch, and replays', async () => {
    const server = await startVenueServer({ venue: 'binance-usdm', speed: 5 });
    servers.push(server);
    const data = mkdtempSync(join(tmpdir(), 'paper-e2e-'));
    const dir = join(data, 'execution-records', 'e2e');
    const args = [
      'paper',
      liveYaml,
      '--data',
      data,
      '--session',
      'e2e',
      '--endpoint',
      server.wsBaseUrl,
      '--rest-endpoint',
      server.restBaseUrl,
    ];

    const first = startChassis(args);
    await until(
      'the market maker to send orders and the recorder to flush raw frames',
      () => journalOf(dir).filter((e) => e.kind === 'request_sent').length >= 20 && rawPartFiles(data).length > 0,
      90_000,
    );
    first.child.kill('SIGKILL');
    await first.done;
    const beforeRestart = journalOf(dir);

    const partsBeforeRestart = new Set(rawPartFiles(data));
    const second = startChassis(args);
    await until('the recovered session to run', () => second.err().includes('running'), 90_000);
    const resumedAt = beforeRestart.length;
    // Stopped before its first frame, the resumed process's window would close without a message
    // and publish no manifest (CI twice saw one window instead of two on a loaded machine). A
    // request of its own does not prove a frame: the recovered book can trigger the strategy
    // first. A part file of its own, flushed, does.
    await until(
      'the recovered session to flush recorded market data and send an order',
      () =>
        rawPartFiles(data).some((f) => !partsBeforeRestart.has(f)) &&
        journalOf(dir).slice(resumedAt).some((e) => e.kind === 'request_sent'),
      90_000,
    );
    const killed = await runChassis(['ctl', 'kill', '--session', 'e2e', '--data', data]);
    expect(killed.code).toBe(0);
    const killSeq = journalOf(dir).find((e) => e.kind === 'kill_switch')!.seq;
    second.child.kill('SIGTERM');
    const stopped = await second.done;
    expect(stopped.code).toBe(0);

    const journal = journalOf(dir);
    expect(journal.slice(0, resumedAt)).toEqual(beforeRestart); // recovery kept everything the killed process journaled
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(journal.filter((e) => e.kind === 'session').map((e) => (e as { state: string }).state)).toEqual([
      'start',
      'start',
      'end',
    ]);
    expect(
      journal.filter(
        (e) => e.seq > killSeq && e.kind === 'request_sent' && (e as { request: string }).request !== 'cancel',
      ),
    ).toEqual([]);
    // After the restart, the orders that rested at the killed paper venue are declared lost and the account reconciles.
    const outcomes = journal.filter((e) => e.kind === 'reconciliation').map((e) => (e as { outcome: string }).outcome);
    expect(outcomes).toEqual(['matched', 'matched']);
    const fills = journal.filter((e) => e.kind === 'order_filled').map((e) => (e as { fillId: string }).fillId);
    expect(new Set(fills).size).toBe(fills.length);

    const replay = await runChassis(['replay', dir]);
    expect(replay.err).toBe('');
    expect(replay.out).toMatch(/^replay ok: \d+ events, \d+ state-hash checkpoints and \d+ RequestSent verified/);
    session = { data, dir, journal };
  }, 300_000);

  let session: { data: string; dir: string; journal: Event[] } | undefined;

  it("promotes the session's recorded windows, each dataset naming the session as its capture", async () => {
    const { data } = session!;
    const quality = await runChassis(['quality', 'run', '--data', data]);
    expect(quality.code).toBe(0);
    // The killed process's window (recovered at the restart) and the resumed process's window.
    expect(quality.out.match(/manifest\.json$/gm)).toHaveLength(2);
    const datasets = promotedDatasets(data);
    expect(datasets.map((d) => d.kind).sort()).toEqual(['bbo', 'bbo', 'book_delta', 'book_delta', 'trade', 'trade']);
    for (const d of datasets) expect(captureSessionOf(data, d)).toBe('e2e');
  }, 120_000);

  it("backtests the resumed process's window with the same strategy and compares the session with it", async () => {
    const { data, dir, journal } = session!;
    // The feed went on while the process was dead, so the two windows leave a gap the backtest
    // refuses (E_DATASET_GAP): the backtest covers the window the resumed process recorded.
    const resumedStartNs = journal.filter((e) => e.kind === 'session')[1]!.tsLocalNs;
    const resumed = promotedDatasets(data).filter((d) => rawManifestOf(data, d).firstCaptureNs >= resumedStartNs);
    expect(resumed).toHaveLength(3);
    const fromNs = resumed.map((d) => BigInt(d.startNs)).reduce((a, b) => (a > b ? a : b));
    const toNs = resumed.map((d) => BigInt(d.endNs)).reduce((a, b) => (a > b ? a : b)) + 1n;
    const backtest = await runChassis([
      'backtest',
      '--data',
      data,
      '--venue',
      'binance-usdm',
      '--instrument',
      'BTCUSDT',
      '--from',
      String(fromNs),
      '--to',
      String(toNs),
      '--strategy',
      marketMaker,
      '--json',
    ]);
    expect(backtest.err).toBe('');
    const run = JSON.parse(backtest.out) as { runId: string };
    const runDir = join(data, 'experiments', run.runId);
    const read = (JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { datasets: { id: string }[] })
      .datasets;
    expect(read.map((d) => d.id).sort()).toEqual(resumed.map((d) => d.id).sort());

    const compared = await runChassis(['compare', dir, runDir, '--json']);
    expect(compared.err).toBe('');
    const report = JSON.parse(compared.out) as ParityJson;
    const orders = jsonLines(join(dir, 'orders.jsonl'));
    const fills = jsonLines(join(dir, 'fills.jsonl'));
    expect(report.session.orders).toBe(new Set(orders.filter((o) => o.request === 'new').map((o) => o.orderId)).size);
    expect(report.session.fills).toBe(new Set(fills.map((f) => `${f.orderId}/${f.fillId}`)).size);
    expect(report.session.fills).toBe(fills.length);
    const attributed = Object.values(report.byAttribution).reduce((a, b) => a + b, 0);
    expect(attributed).toBe(report.differences.length);

    const printed = await runChassis(['compare', dir, runDir]);
    expect(printed.err).toBe('');
    expect(printed.out).toMatch(new RegExp(`^orders +${report.session.orders} +${report.backtest.orders}$`, 'm'));
    expect(printed.out).toMatch(new RegExp(`^fills +${report.session.fills} +${report.backtest.fills}$`, 'm'));
    const printedDifferences = /^differences: (\d+) \((.*)\)$/m.exec(printed.out)!;
    expect(Number(printedDifferences[1])).toBe(report.differences.length);
    expect(printedDifferences[2]!.split(', ').sort()).toEqual(
      Object.entries(report.byAttribution)
        .filter(([, n]) => n > 0)
        .map(([a, n]) => `${a} ${n}`)
        .sort(),
    );
  }, 300_000);

  it('lists the kill switch engagement as JSON', async () => {
    const { dir, journal } = session!;
    const listed = await runChassis(['events', dir, '--kind', 'kill_switch', '--json']);
    expect(listed.err).toBe('');
    const events = listed.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; seq: number; engaged: boolean });
    expect(events.map((e) => e.seq)).toEqual(journal.filter((e) => e.kind === 'kill_switch').map((e) => e.seq));
    expect(events.map((e) => [e.kind, e.engaged])).toEqual([['kill_switch', true]]);
  });
});
