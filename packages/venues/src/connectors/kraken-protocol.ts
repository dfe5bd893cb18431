/**
 * Kraken spot WebSocket v2 (docs.kraken.com/exchange/api-reference/spot-websocket-v2, "book",
 * "trade", "ticker", "ping", read 2026-12): `wss://ws.kraken.com/v2`; one subscribe per channel,
 * `{"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":1000}}`
 * (depth 10, 25, 100, 500 or 1000), `trade`, and `ticker` with `"event_trigger":"bbo"` (an
 * update on every change of the best bid/offer instead of on trades). The book sends a snapshot,
 * then updates, each with a CRC32 `checksum` of the top 10 levels; the checksum is verified by
 * the format on reading (it needs the rebuilt book), and a failed one is resynchronised there
 * by the next snapshot. The venue sends `{"channel":"heartbeat"}` about once a second while
 * subscribed; `{"method":"ping"}` → `{"method":"pong",..}`. No forced disconnect is documented;
 * connection and subscription rates for public data are not published: ours are gentle.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import type { BookSequenceWatch } from './sequence-watch.ts';
import { snapshotWatch } from './snapshot-watch.ts';
import { fieldText } from './sequence-watch.ts';
import { chunkedPlan, type VenueProtocol } from './venue-protocol.ts';

const CHANNEL = { depth: 'book', trade: 'trade', bbo: 'ticker' } as const;
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = { book: 'depth', trade: 'trade', ticker: 'bbo' };
const PATH = '/v2';
/** The deepest book Kraken offers; the checksum covers the top 10 either way. */
export const KRAKEN_BOOK_DEPTH = 1000;
const MAX_SUBSCRIPTIONS = 100;

function request(method: 'subscribe' | 'unsubscribe', channel: RecordChannel, symbols: readonly string[]): string {
  const params: Record<string, unknown> = { channel: CHANNEL[channel], symbol: symbols };
  if (channel === 'depth') params['depth'] = KRAKEN_BOOK_DEPTH;
  if (channel === 'bbo') params['event_trigger'] = 'bbo';
  return JSON.stringify({ method, params });
}

/** Book snapshot vs update per symbol; continuity itself is the checksum, verified on reading. */
function krakenBookWatch(): BookSequenceWatch {
  return snapshotWatch((text) => {
    if (!text.startsWith('{"channel":"book"')) return null;
    const symbol = fieldText(text, 'symbol');
    return symbol === null ? null : { symbol, snapshot: fieldText(text, 'type') === 'snapshot' };
  });
}

export function krakenProtocol(): VenueProtocol {
  return {
    venue: 'kraken',
    family: 'kraken',
    wsBaseUrl: 'wss://ws.kraken.com',
    restBaseUrl: 'https://api.kraken.com',
    streamName: (channel, symbol) => `${CHANNEL[channel]}:${symbol}`,
    wsPath: () => PATH,
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 30_000 },
    channelOf: (text) =>
      text.startsWith('{"channel":"') ? (CHANNEL_OF[fieldText(text, 'channel') ?? ''] ?? null) : null,
    maxStreamsPerConnection: MAX_SUBSCRIPTIONS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: {
      intervalMs: 30_000,
      text: '{"method":"ping"}',
      whenIdleOnly: true,
      isReply: (text) => text.startsWith('{"method":"pong"'),
    },
    isShutdownNotice: () => false,
    controlMessages: { burst: 20, perSecond: 5 },
    connectAttempts: { burst: 10, perSecond: 1 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (symbol) => [
        request('unsubscribe', 'depth', [symbol]),
        request('subscribe', 'depth', [symbol]),
      ],
    },
    plan: (spec: FeedSpec) =>
      chunkedPlan(spec, MAX_SUBSCRIPTIONS, PATH, (part) =>
        spec.channels
          .filter((c) => part.some((s) => s.channel === c))
          .map((c) =>
            request(
              'subscribe',
              c,
              part.filter((s) => s.channel === c).map((s) => s.symbol),
            ),
          ),
      ),
    sequenceWatch: krakenBookWatch,
  };
}
