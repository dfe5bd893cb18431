// End to end: paper-trade examples/strategies/market-maker.ts (examples/live.yaml) on the venue
// server's binance-usdm feed, SIGKILL it, start the same session again, engage the kill switch
// through `chassis ctl`, stop it with SIGTERM, then `chassis replay` the session.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalOf, until } from './journal-watch.ts';
import { runChassis, startChassis } from '../../../../test/chassis-process.ts';
import { startVenueServer } from '../../../../test/venue-server/index.ts';

const liveYaml = resolve(import.meta.dirname, '../../../../examples/live.yaml');

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
      'the market maker to send orders',
      () => journalOf(dir).filter((e) => e.kind === 'request_sent').length >= 20,
      90_000,
    );
    first.child.kill('SIGKILL');
    await first.done;
    const beforeRestart = journalOf(dir);

    const second = startChassis(args);
    await until('the recovered session to run', () => second.err().includes('running'), 90_000);
    const resumedAt = beforeRestart.length;
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
  }, 300_000);
});
