// End to end: `chassis live` trades examples/strategies/market-maker.ts against the Binance USD-M
// emulator (test/binance-usdm-emulator: market data from its replay, orders matched by its
// simulated venue) through each adapter — native and ccxt pointed at it — engages the kill switch
// through `chassis ctl`, stops with SIGTERM, then `chassis replay`s the session.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Event, OrderFilledEvent } from '@chassis/core';
import { journalOf, until } from './journal-watch.ts';
import { runChassis, startChassis } from '../../../../test/chassis-process.ts';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from '../../../../test/binance-usdm-emulator/index.ts';

const marketMaker = resolve(import.meta.dirname, '../../../../examples/strategies/market-maker.ts');

/**
 * live.yaml for one adapter: 2-lot quotes (0.002 BTC ≈ 110 USDT clears the 100 USDT minimum
 * notional); the engine's starting balance is the emulator's wallet, so the start reconciles.
 */
function liveYaml(dir: string, adapter: 'native' | 'ccxt'): string {
  const path = join(dir, `live-${adapter}.yaml`);
  writeFileSync(
    path,
    [
      'venue: binance-usdm',
      `adapter: ${adapter}`,
      'instruments: [BTCUSDT]',
      'balances: { USDT: "10000" }',
      `strategy: { module: ${JSON.stringify(marketMaker)}, params: { qty: 2, spreadTicks: 1 } }`,
      '',
    ].join('\n'),
  );
  return path;
}

function credentialsFor(adapter: 'native' | 'ccxt', e: BinanceUsdmEmulator): NodeJS.ProcessEnv {
  return adapter === 'native'
    ? { CHASSIS_BINANCE_API_KEY: e.apiKey, CHASSIS_BINANCE_API_SECRET: e.apiSecret }
    : { CHASSIS_CCXT_API_KEY: e.apiKey, CHASSIS_CCXT_API_SECRET: e.apiSecret };
}

const countOf = (journal: readonly Event[], ok: (e: Event) => boolean): number => journal.filter(ok).length;
const isNewSent = (e: Event): boolean => e.kind === 'request_sent' && (e as { request: string }).request === 'new';
/** New orders sent whose acceptance or rejection is not journaled yet. */
const unansweredNew = (journal: readonly Event[]): number =>
  countOf(journal, isNewSent) - countOf(journal, (e) => e.kind === 'order_accepted' || e.kind === 'order_rejected');

describe('chassis live end to end against the Binance USD-M emulator', () => {
  const emulators: BinanceUsdmEmulator[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.stop();
  });

  for (const adapter of ['native', 'ccxt'] as const) {
    it(`trades through the ${adapter} adapter: reconciles, fills as the emulator books, stops on the kill switch, replays`, async () => {
      const emulator = await startBinanceUsdmEmulator({
        speed: 10,
        rateLimits: { ordersPer10s: 100_000, ordersPerMinute: 100_000, weightPerMinute: 1_000_000 },
      });
      emulators.push(emulator);
      const data = mkdtempSync(join(tmpdir(), `live-e2e-${adapter}-`));
      const dir = join(data, 'execution-records', 'e2e');
      const live = startChassis(
        [
          'live',
          liveYaml(data, adapter),
          '--data',
          data,
          '--session',
          'e2e',
          '--endpoint',
          emulator.wsBaseUrl,
          '--rest-endpoint',
          emulator.restBaseUrl,
          '--user-stream-endpoint',
          emulator.userStreamBaseUrl,
          '--i-understand-this-trades-real-money',
        ],
        credentialsFor(adapter, emulator),
      );
      const fills = (): OrderFilledEvent[] =>
        journalOf(dir).filter((e): e is OrderFilledEvent => e.kind === 'order_filled');
      // The emulator's book first (in process, cheap), then the journal (read whole at each poll).
      const exited = (): boolean => live.child.exitCode !== null;
      await until('the emulator to book a trade', () => emulator.account.trades.length > 0 || exited(), 120_000);
      await until(`a fill through the ${adapter} adapter`, () => fills().length > 0 || exited(), 30_000);
      expect(live.child.exitCode, live.err()).toBeNull();

      const killed = await runChassis(['ctl', 'kill', '--session', 'e2e', '--data', data]);
      expect(killed.code, killed.err).toBe(0);
      // Stop once nothing rests at the emulator and every new order has its answer journaled
      // (an order in flight at SIGTERM is resolved only when the session resumes).
      await until(
        'the kill switch to cancel every resting order and every new order to be answered',
        () => emulator.account.openOrders().length === 0 && unansweredNew(journalOf(dir)) === 0,
        30_000,
      );
      live.child.kill('SIGTERM');
      const stopped = await live.done;
      expect(stopped.code, stopped.err).toBe(0);

      const journal = journalOf(dir);
      expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
      const outcomes = journal
        .filter((e) => e.kind === 'reconciliation')
        .map((e) => (e as { outcome: string }).outcome);
      expect(outcomes[0]).toBe('matched');
      // Every new order the session sent and the venue accepted is one order the emulator booked.
      const accepted = journal.filter((e) => e.kind === 'order_accepted').length;
      const sentNew = countOf(journal, isNewSent);
      console.log(
        `${adapter}: ${sentNew} new orders sent, ${accepted} accepted, emulator booked ${emulator.account.orders.size} orders and ${emulator.account.trades.length} trades; ${fills().length} fills journaled; ${journal.length} events`,
      );
      const rejected = journal.filter((e) => e.kind === 'order_rejected').length;
      expect(emulator.account.orders.size).toBe(accepted);
      expect(accepted).toBeGreaterThan(0);
      expect(accepted + rejected).toBe(sentNew); // every new order answered: none lost on the way
      // Each journaled fill is a trade the emulator booked: same id, price, quantity, liquidity, fee.
      const booked = new Map(emulator.account.trades.map((t) => [String(t.id), t]));
      const journaled = fills();
      expect(journaled.length).toBeGreaterThan(0);
      for (const f of journaled) {
        const t = booked.get(f.fillId);
        expect(t, `fill ${f.fillId}`).toBeDefined();
        expect([f.priceUnits, f.qtyUnits, f.liquidity, f.feeUnits]).toEqual([
          t!.priceUnits,
          t!.qtyUnits,
          t!.liquidity,
          t!.feeUnits,
        ]);
      }
      const killSeq = journal.find((e) => e.kind === 'kill_switch')!.seq;
      expect(
        journal.filter(
          (e) => e.seq > killSeq && e.kind === 'request_sent' && (e as { request: string }).request !== 'cancel',
        ),
      ).toEqual([]);
      expect(journal.filter((e) => e.kind === 'session').map((e) => (e as { state: string }).state)).toEqual([
        'start',
        'end',
      ]);

      const replay = await runChassis(['replay', dir]);
      expect(replay.err).toBe('');
      expect(replay.out).toMatch(/^replay ok: \d+ events, \d+ state-hash checkpoints and \d+ RequestSent verified/);
    }, 240_000);
  }
});
