/**
 * Importer for the common third-party historical layout (Tardis-style CSV):
 *   incremental_book_L2: exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount
 *   trades:              exchange,symbol,timestamp,local_timestamp,id,side,price,amount
 * Timestamps are µs since epoch. Consecutive book rows of one symbol with the same timestamp
 * pair and is_snapshot flag form one book_delta record (one venue message); a run of
 * is_snapshot=true rows is one snapshot even if its timestamps differ.
 */
import { ChassisError } from '@chassis/core';
import { readLineBatches, type Container } from './container.ts';
import { VENUE_IDS, type BookDeltaRecord, type NormalizedRecord, type VenueId } from './records.ts';
import { syncIssue } from './sync-issue.ts';
import { usToNs } from './time-units.ts';
import type { MessageContext } from './venue-mapper.ts';

const BOOK_HEADER = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount';
const TRADES_HEADER = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount';
const DECIMAL = /^\d+(?:\.\d+)?$/;
const INTEGER = /^\d+$/;

/** Tardis exchange ids → ours. */
const TARDIS_EXCHANGES: Readonly<Record<string, VenueId>> = {
  binance: 'binance-spot',
  'binance-futures': 'binance-usdm',
  'binance-delivery': 'binance-coinm',
  okex: 'okx',
  'okex-futures': 'okx',
  'okex-swap': 'okx',
  okx: 'okx',
  'okx-futures': 'okx',
  'okx-swap': 'okx',
  bybit: 'bybit-linear',
  'bybit-spot': 'bybit-spot',
  hyperliquid: 'hyperliquid',
  deribit: 'deribit',
  bitmex: 'bitmex',
};

export function venueForTardisExchange(exchange: string): VenueId | null {
  return TARDIS_EXCHANGES[exchange] ?? null;
}

interface Group {
  symbol: string;
  ts: string;
  local: string;
  snapshot: boolean;
  line: number;
  bids: (readonly [string, string])[];
  asks: (readonly [string, string])[];
}

export async function* readTardisCsv(path: string, container: Container, options: { venue?: VenueId; instrument?: string }): AsyncGenerator<NormalizedRecord> {
  if (options.venue !== undefined && !(VENUE_IDS as readonly string[]).includes(options.venue)) {
    throw new ChassisError('E_UNSUPPORTED_VENUE', `unsupported venue "${options.venue}" (supported: ${VENUE_IDS.join(', ')})`);
  }
  let kind: 'book' | 'trades' | null = null;
  let venue: VenueId | null = options.venue ?? null;
  let lineNo = 0;
  let group: Group | null = null;
  const lastSnapshotRow = new Map<string, boolean>();
  const ctxAt = (line: number, tsLocalNs: bigint | null): MessageContext => ({ file: path, line, tsLocalNs, fallbackTsNs: tsLocalNs ?? 0n });
  // --instrument renames: a Tardis file is one symbol per download in practice.
  const instrumentOf = (symbol: string) => options.instrument ?? symbol;

  const flush = (): BookDeltaRecord | null => {
    if (group === null) return null;
    const g = group;
    group = null;
    return {
      kind: 'book_delta',
      venue: venue!,
      instrument: instrumentOf(g.symbol),
      tsEventNs: usToNs(g.ts),
      tsLocalNs: usToNs(g.local),
      source: { file: path, line: g.line },
      updateId: null,
      isSnapshot: g.snapshot,
      bids: g.bids,
      asks: g.asks,
    };
  };

  for await (const batch of readLineBatches(path, container)) {
    for (const line of batch) {
      lineNo++;
      if (lineNo === 1) {
        if (line === BOOK_HEADER) kind = 'book';
        else if (line === TRADES_HEADER) kind = 'trades';
        else throw new ChassisError('E_CSV_HEADER', `${path}: line 1 must be the incremental_book_L2 header "${BOOK_HEADER}" or the trades header "${TRADES_HEADER}", got "${line.slice(0, 120)}"`, { details: { file: path, line: 1 } });
        continue;
      }
      if (line.length === 0) continue;
      const f = line.split(',');
      const bad = (why: string): NormalizedRecord => syncIssue(venue ?? 'binance-spot', instrumentOf(f[1] ?? ''), ctxAt(lineNo, null), 'parse_error', `bad ${kind === 'book' ? 'incremental_book_L2' : 'trades'} row: ${why}`);
      // A rejected row ends the open group first, so records stay in file order.
      const reject = function* (why: string): Generator<NormalizedRecord> {
        const open = flush();
        if (open !== null) yield open;
        yield bad(why);
      };
      if (f.length !== 8) {
        yield* reject(`expected 8 comma-separated columns, got ${f.length}`);
        continue;
      }
      const [exchange, symbol, ts, local, fifth, side, price, amount] = f as [string, string, string, string, string, string, string, string];
      if (venue === null) {
        venue = venueForTardisExchange(exchange);
        if (venue === null) throw new ChassisError('E_UNSUPPORTED_VENUE', `${path}: line ${lineNo}: Tardis exchange "${exchange}" is not a supported venue (supported: ${Object.keys(TARDIS_EXCHANGES).join(', ')}); pass the venue explicitly if it is one of ${VENUE_IDS.join(', ')}`, { details: { file: path, line: lineNo } });
      }
      if (!INTEGER.test(ts) || !INTEGER.test(local)) {
        yield* reject('timestamp and local_timestamp must be integer microseconds');
        continue;
      }
      if (!DECIMAL.test(price) || !DECIMAL.test(amount)) {
        yield* reject(`price "${price}" and amount "${amount}" must be plain decimals`);
        continue;
      }
      if (kind === 'trades') {
        if (side !== 'buy' && side !== 'sell' && side !== 'unknown') {
          yield* reject(`side must be buy, sell or unknown, got "${side}"`);
          continue;
        }
        yield {
          kind: 'trade',
          venue,
          instrument: instrumentOf(symbol),
          tsEventNs: usToNs(ts),
          tsLocalNs: usToNs(local),
          source: { file: path, line: lineNo },
          tradeId: fifth,
          price,
          size: amount,
          aggressor: side,
        };
        continue;
      }
      if (fifth !== 'true' && fifth !== 'false') {
        yield* reject(`is_snapshot must be true or false, got "${fifth}"`);
        continue;
      }
      if (side !== 'bid' && side !== 'ask') {
        yield* reject(`side must be bid or ask, got "${side}"`);
        continue;
      }
      const snapshot = fifth === 'true';
      const g = group as Group | null;
      const continuesSnapshot = g !== null && snapshot && g.snapshot && g.symbol === symbol && lastSnapshotRow.get(symbol) === true;
      if (g === null || !(continuesSnapshot || (g.symbol === symbol && g.ts === ts && g.local === local && g.snapshot === snapshot))) {
        const done = flush();
        if (done !== null) yield done;
        group = { symbol, ts, local, snapshot, line: lineNo, bids: [], asks: [] };
      }
      lastSnapshotRow.set(symbol, snapshot);
      (side === 'bid' ? group!.bids : group!.asks).push([price, amount]);
    }
  }
  const done = flush();
  if (done !== null) yield done;
}
