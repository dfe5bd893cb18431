import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '@chassis/backtesting';
import { ChassisError } from '@chassis/core';
import { sessionDirOf, sessionPaths } from '../records/session-paths.ts';
import { runSession, type SessionWiring } from './run-session.ts';
import { BTC, QUOTER_MODULE, ScriptedMarket, ScriptedVenue } from './session-test-doubles.ts';
import type { LiveSession } from './live-session.ts';

function workspace(): { data: string; yaml: string } {
  const data = mkdtempSync(join(tmpdir(), 'run-session-'));
  writeFileSync(join(data, 'quoter.mjs'), QUOTER_MODULE);
  const yaml = join(data, 'live.yaml');
  writeFileSync(
    yaml,
    'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: quoter.mjs }\nreconciliation: { intervalMs: 0 }\n',
  );
  return { data, yaml };
}

function wiringOf(venue: ScriptedVenue, market: ScriptedMarket): SessionWiring {
  return { adapter: () => Promise.resolve(venue), marketInput: () => Promise.resolve(market) };
}

/** Runs a session, lets `act` drive it, then stops it as SIGTERM would. */
async function runUntil(o: {
  data: string;
  yaml: string;
  mode: 'paper' | 'live';
  venue: ScriptedVenue;
  market: ScriptedMarket;
  act?: (s: LiveSession) => void;
  env?: NodeJS.ProcessEnv;
}) {
  let stop: (r: string) => void = () => {};
  return runSession({
    mode: o.mode,
    configPath: o.yaml,
    dataRoot: o.data,
    sessionId: 's1',
    iUnderstandThisTradesRealMoney: true,
    env: o.env ?? {},
    wiring: wiringOf(o.venue, o.market),
    codeVersion: 'test',
    baseDirs: [o.data],
    stopSignal: (s) => {
      stop = s;
      return () => {};
    },
    onRunning: (session) => {
      o.act?.(session);
      setImmediate(() => stop('SIGTERM'));
    },
  });
}

describe('running a session', () => {
  it('chassis live refuses while the reconciliation at start reports a mismatch: exit 2, nothing sent, no market data', async () => {
    const { data, yaml } = workspace();
    const venue = new ScriptedVenue();
    venue.account = { openOrders: [], positions: [{ instrument: BTC, qtyUnits: 5 }], balances: [], asOfNs: 1n };
    const market = new ScriptedMarket();
    const env = { CHASSIS_BINANCE_API_KEY: 'k', CHASSIS_BINANCE_API_SECRET: 's' };
    const err = await runUntil({ data, yaml, mode: 'live', venue, market, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChassisError);
    expect(err).toMatchObject({ code: 'E_LIVE_RECONCILIATION_MISMATCH', exitCode: 2 });
    expect((err as Error).message).toMatch(/reconciliation-1\.json/);
    expect(venue.sent).toEqual([]);
    expect(market.sink).toBeNull();
    const kinds = [...readJournal(sessionPaths(sessionDirOf(data, 's1')).journal)].map((e) => e.kind);
    expect(kinds).toEqual(['session', 'reconciliation', 'session']);
  });

  it('the same --session id resumes the session: its journal continues where it stopped, one seq after the other', async () => {
    const { data, yaml } = workspace();
    const venue = new ScriptedVenue();
    venue.autoAccept = true;
    const market = new ScriptedMarket();
    const first = await runUntil({
      data,
      yaml,
      mode: 'paper',
      venue,
      market,
      act: () => market.bbo(BigInt(Date.now()) * 1_000_000n),
    });
    const venue2 = new ScriptedVenue();
    // The paper order is still resting at the venue: reconciliation finds it.
    venue2.account = {
      openOrders: [
        {
          orderId: venue.sent[0]!.orderId,
          clientOrderId: 'c',
          venueOrderId: 'v',
          instrument: BTC,
          side: 'buy',
          priceUnits: venue.sent[0]!.priceUnits,
          qtyUnits: 1,
          filledQtyUnits: 0,
          status: 'open',
        },
      ],
      positions: [],
      balances: [{ asset: 'USDT', amount: '100000' }],
      asOfNs: 1n,
    };
    const second = await runUntil({ data, yaml, mode: 'paper', venue: venue2, market: new ScriptedMarket() });
    const journal = [...readJournal(sessionPaths(first.dir).journal)];
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(journal.filter((e) => e.kind === 'session').map((e) => (e as { state: string }).state)).toEqual([
      'start',
      'end',
      'start',
      'end',
    ]);
    expect(journal.filter((e) => e.kind === 'reconciliation').map((e) => (e as { outcome: string }).outcome)).toEqual([
      'matched',
      'matched',
    ]);
    expect(second.lastSeq).toBe(journal.length);
    expect(venue2.sent).toEqual([]); // nothing re-sent on resume
  });

  it('a paper session cannot be resumed as live', async () => {
    const { data, yaml } = workspace();
    await runUntil({ data, yaml, mode: 'paper', venue: new ScriptedVenue(), market: new ScriptedMarket() });
    const env = { CHASSIS_BINANCE_API_KEY: 'k', CHASSIS_BINANCE_API_SECRET: 's' };
    await expect(
      runUntil({ data, yaml, mode: 'live', venue: new ScriptedVenue(), market: new ScriptedMarket(), env }),
    ).rejects.toMatchObject({ code: 'E_SESSION_MODE', exitCode: 2 });
  });
});
