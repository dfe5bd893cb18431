import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cryptofeedDir } from '../../../examples/data/index.ts';
import { frameLagMs } from './frame-lag.ts';
import { usdmLines } from './recording-fixtures.ts';

describe('frameLagMs (capture time − venue event time)', () => {
  it('reads Binance "E" (real USD-M depth diff: captured 1723161255030 ms, event 1723161256299 ms)', () => {
    const line = usdmLines()[0]!;
    expect(frameLagMs(line.slice(line.indexOf(' ') + 1), BigInt(line.slice(0, line.indexOf(' ')))!)).toBe(1723161255030 - 1723161256299);
  });

  it('reads OKX "ts" as a string (real OKX ticker line: captured 1652459225.506 s, event 1652459223003 ms)', () => {
    const line = readFileSync(`${cryptofeedDir}/OKX.ws.1.0`, 'utf8').split('\n')[22]!;
    expect(frameLagMs(line.slice(line.indexOf(': ') + 2), 1_652_459_225_506_608_500n)).toBe(1652459225506 - 1652459223003);
  });

  it('reads Bybit "ts" as a number', () => {
    expect(frameLagMs('{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[]}', 1_672_304_486_900_000_000n)).toBe(32);
  });

  it('is null for a frame without an event time (a spot REST snapshot, a subscription reply)', () => {
    expect(frameLagMs('{"result":null,"id":1}', 1n)).toBeNull();
    expect(frameLagMs('{"lastUpdateId":5123107852948,"bids":[]}', 1n)).toBeNull();
  });
});
