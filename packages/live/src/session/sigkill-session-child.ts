/**
 * The SIGKILL drill's victim (sigkill-drill.test.ts): a paper session in `<dataRoot>` whose
 * market input emits a bbo every 2 ms and whose venue accepts each new order at once and fills
 * it 3 ms later. It prints, synchronously, one line per processed event `E <lastSeq> <stateHash>`
 * and, after each fill was handed to the session (so it is in the journal), `F <fillId>`.
 * It runs until killed.
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BboEvent, EventDraft, MarketEvent, RequestSentEvent } from '@chassis/core';
import { runSession } from './run-session.ts';
import { ScriptedMarket, ScriptedVenue, BTC } from './session-test-doubles.ts';

const dataRoot = process.argv[2]!;
const venue = new ScriptedVenue();
const submit = venue.submit.bind(venue);
venue.submit = (r: RequestSentEvent) => {
  submit(r);
  if (r.request !== 'new') return;
  setTimeout(
    () =>
      venue.answer({
        kind: 'order_accepted',
        tsEventNs: 1n,
        tsLocalNs: 0n,
        orderId: r.orderId,
        requestSeq: r.seq,
        venueOrderId: `v${r.orderId}`,
      }),
    1,
  );
  setTimeout(() => {
    const fillId = `F${r.orderId}`;
    venue.answer({
      kind: 'order_filled',
      tsEventNs: 2n,
      tsLocalNs: 0n,
      orderId: r.orderId,
      requestSeq: -1,
      fillId,
      priceUnits: r.priceUnits,
      qtyUnits: r.qtyUnits,
      liquidity: 'maker',
      feeUnits: 12n,
      final: true,
    });
    writeSync(1, `F ${fillId}\n`);
  }, 3);
};
const market = new ScriptedMarket();
let bid = 6_000_000;
await runSession({
  mode: 'paper',
  configPath: join(dataRoot, 'live.yaml'),
  dataRoot,
  sessionId: 'drill',
  env: {},
  wiring: { adapter: () => Promise.resolve(venue), marketInput: () => Promise.resolve(market) },
  codeVersion: 'test',
  baseDirs: [dataRoot],
  onRunning: (session) => {
    session.onEvent((e) => {
      if (e.kind !== 'request_sent') writeSync(1, `E ${session.lastSeq} ${session.status().stateHash}\n`);
    });
    setInterval(() => {
      bid += ((bid / 10) % 3) - 1 === 0 ? 10 : -10;
      const e: EventDraft<BboEvent> = {
        kind: 'bbo',
        tsEventNs: 1n,
        tsLocalNs: BigInt(Date.now()) * 1_000_000n,
        instrument: BTC,
        updateId: 1n,
        bidPriceUnits: bid,
        bidQtyUnits: 5,
        askPriceUnits: bid + 100,
        askQtyUnits: 5,
      };
      market.sink!.market(e as EventDraft<MarketEvent>);
    }, 2);
  },
});
