/**
 * Bybit v5 public WebSocket (bybit-exchange.github.io/docs/v5/ws/connect and
 * /v5/websocket/public/orderbook, read 2026-12): `wss://stream.bybit.com/v5/public/spot` and
 * `/v5/public/linear`; subscribe with `{"op":"subscribe","args":["orderbook.1000.BTCUSDT"]}`
 * (spot accepts at most 10 args per subscribe message); send `{"op":"ping"}` every 20 s (the
 * server cuts a connection without ping-pong or data after 10 minutes); 500 connections per
 * 5 minutes per IP. Order book depths: linear 1/50/200/1000 levels (10/20/100/200 ms), spot
 * 1/50/200/1000 (10/20/200/200 ms): we record the deepest, `orderbook.1000`; `orderbook.1`
 * is the best bid/offer (snapshot-only, re-sent every 3 s when unchanged); trades are
 * `publicTrade.{symbol}`. Deltas carry `u` (+1 each); a snapshot with `u = 1` after a service
 * restart replaces the book. No forced periodic disconnect is documented for public streams.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import { bybitSequenceWatch, fieldText } from './sequence-watch.ts';
import { chunks, type ConnectionPlan, type VenueProtocol } from './venue-protocol.ts';

type BybitVenue = 'bybit-spot' | 'bybit-linear';

const TOPIC = { depth: 'orderbook.1000', trade: 'publicTrade', bbo: 'orderbook.1' } as const;
const PATH: Readonly<Record<BybitVenue, string>> = { 'bybit-spot': '/v5/public/spot', 'bybit-linear': '/v5/public/linear' };
const ARGS_PER_MESSAGE = 10;
/** Our cap on topics per connection; Bybit documents no hard limit for public streams. */
const MAX_TOPICS = 200;

function message(op: 'subscribe' | 'unsubscribe', args: readonly string[]): string {
  return JSON.stringify({ op, args });
}

export function bybitProtocol(venue: BybitVenue): VenueProtocol {
  const topic = (channel: RecordChannel, symbol: string): string => `${TOPIC[channel]}.${symbol}`;
  return {
    venue,
    family: 'bybit',
    wsBaseUrl: 'wss://stream.bybit.com',
    restBaseUrl: 'https://api.bybit.com',
    streamName: topic,
    wsPath: () => PATH[venue],
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 30_000 },
    channelOf: (text) => {
      const topic = fieldText(text, 'topic');
      if (topic === null) return null;
      if (topic.startsWith(`${TOPIC.depth}.`)) return 'depth';
      if (topic.startsWith(`${TOPIC.bbo}.`)) return 'bbo';
      return topic.startsWith(`${TOPIC.trade}.`) ? 'trade' : null;
    },
    maxStreamsPerConnection: MAX_TOPICS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: { intervalMs: 20_000, text: '{"op":"ping"}', whenIdleOnly: false, isReply: (text) => text.includes('"op":"ping"') || text.includes('"op":"pong"') },
    isShutdownNotice: () => false, // none documented for public streams
    controlMessages: { burst: 20, perSecond: 10 },
    connectAttempts: { burst: 500, perSecond: 500 / 300 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (symbol) => [message('unsubscribe', [topic('depth', symbol)]), message('subscribe', [topic('depth', symbol)])],
    },
    plan(spec: FeedSpec): ConnectionPlan[] {
      const args = spec.channels.flatMap((channel) => spec.symbols.map((symbol) => ({ channel, symbol })));
      return chunks(args, MAX_TOPICS).map((part) => ({
        path: PATH[venue],
        symbols: [...new Set(part.map((a) => a.symbol))],
        channels: [...new Set(part.map((a) => a.channel))],
        subscribeMessages: chunks(part, ARGS_PER_MESSAGE).map((m) => message('subscribe', m.map((a) => topic(a.channel, a.symbol)))),
      }));
    },
    sequenceWatch: () => bybitSequenceWatch(`${TOPIC.depth}.`),
  };
}
