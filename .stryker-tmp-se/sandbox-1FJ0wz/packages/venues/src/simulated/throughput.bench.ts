/**
 * Simulated venue market-event throughput:
 * `node --import tsx packages/venues/src/simulated/throughput.bench.ts [conservative|power|log]`.
 * Four of our orders rest at the touch and deeper (they get queue updates and fills) while a
 * synthetic deep book streams through (orders are re-placed when filled); prints market events
 * per second of process CPU time (robust to other load on a shared machine) per queue model.
 */
// @ts-nocheck

import { createSimulatedVenue } from './venue.ts';
import { conservativeQueue, powerProbQueue, logProbQueue, type QueueModel } from './queue.ts';
import { constantLatency } from './latency.ts';
import { syntheticMarketStream } from './market-stream.ts';
import { TEST_INSTRUMENT, newOrder } from './scenario.ts';

const EVENTS = Number(process.env.EVENTS ?? 2_000_000);
const stream = syntheticMarketStream(TEST_INSTRUMENT.id, EVENTS, 1);

function measure(name: string, model: QueueModel): void {
  const venue = createSimulatedVenue({ instruments: [TEST_INSTRUMENT], queueModel: model, latency: constantLatency(0n, 0n), seed: 1 });
  venue.onMarketEvent(stream[0]!);
  let orderId = 0;
  // Keeps four orders resting: two at the touch (queue advances, fills), two a few ticks deeper.
  const requote = (): void => {
    const bid = venue.bestBid(TEST_INSTRUMENT.id);
    const ask = venue.bestAsk(TEST_INSTRUMENT.id);
    for (let missing = 4 - venue.openOrders(TEST_INSTRUMENT.id).length; missing > 0; missing--) {
      const buy = missing % 2 === 0;
      const price = buy ? bid - (missing > 2 ? 4 : 0) : ask + (missing > 2 ? 4 : 0);
      venue.submit(newOrder({ seq: ++orderId, orderId, side: buy ? 'buy' : 'sell', priceUnits: price, qtyUnits: 5 }));
      venue.processNextRequest();
    }
  };
  requote();
  let answers = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 1; i < stream.length; i++) {
    venue.onMarketEvent(stream[i]!);
    if (venue.nextAnswerNs() >= 0n) {
      while (venue.nextAnswerNs() >= 0n) {
        venue.popAnswer();
        answers++;
      }
      requote();
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${name.padEnd(22)} ${(stream.length / seconds / 1e6).toFixed(2)} M market events/s of CPU  (${stream.length} events, ${answers} answers, ${seconds.toFixed(2)} s)`);
}

// One model per process keeps the venue's call sites monomorphic, as in a real run.
const which = process.argv[2] ?? 'power';
const model = which === 'conservative' ? conservativeQueue() : which === 'log' ? logProbQueue(1000) : powerProbQueue(2);
for (let round = 0; round < 3; round++) measure(model.name, model);
