/**
 * Hyperliquid public WebSocket (hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket,
 * "Subscriptions", "Heartbeats" and "Rate limits and user limits", read 2026-12):
 * `wss://api.hyperliquid.xyz/ws`; one message per subscription,
 * `{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}` (also `trades`, `bbo`),
 * acknowledged by `{"channel":"subscriptionResponse",..}`; the server closes a connection it has
 * sent nothing on for 60 s, so clients send `{"method":"ping"}` and get `{"channel":"pong"}`;
 * at most 100 connections, 1000 subscriptions and 2000 messages sent per minute per IP.
 * `l2Book` messages are full snapshots (20 levels a side), so the book never needs a sync
 * beyond the next message; there is no sequence number. No forced disconnect is documented.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import type { BookSequenceWatch, SequenceStep } from './sequence-watch.ts';
import { fieldText } from './sequence-watch.ts';
import { chunkedPlan, type VenueProtocol } from './venue-protocol.ts';

const TYPE = { depth: 'l2Book', trade: 'trades', bbo: 'bbo' } as const;
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = { l2Book: 'depth', trades: 'trade', bbo: 'bbo' };
const PATH = '/ws';
/** Our cap per connection: a tenth of the 1000 subscriptions Hyperliquid allows per IP. */
const MAX_SUBSCRIPTIONS = 100;

function message(method: 'subscribe' | 'unsubscribe', channel: RecordChannel, coin: string): string {
  return JSON.stringify({ method, subscription: { type: TYPE[channel], coin } });
}

/** Every `l2Book` message is a full snapshot: each one restarts (and is) the book. */
function hyperliquidBookWatch(): BookSequenceWatch {
  const none: SequenceStep = { kind: 'none' };
  return {
    observe(text) {
      if (!text.startsWith('{"channel":"l2Book"')) return none;
      const coin = fieldText(text, 'coin');
      return coin === null ? none : { kind: 'snapshot', symbol: coin };
    },
    reset() {},
  };
}

export function hyperliquidProtocol(): VenueProtocol {
  return {
    venue: 'hyperliquid',
    family: 'hyperliquid',
    wsBaseUrl: 'wss://api.hyperliquid.xyz',
    restBaseUrl: 'https://api.hyperliquid.xyz',
    streamName: (channel, coin) => `${TYPE[channel]}:${coin}`,
    wsPath: () => PATH,
    // l2Book is re-sent at least every few seconds on a live coin; trades can pause for minutes.
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 30_000 },
    channelOf: (text) => CHANNEL_OF[fieldText(text, 'channel') ?? ''] ?? null,
    maxStreamsPerConnection: MAX_SUBSCRIPTIONS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: {
      intervalMs: 30_000,
      text: '{"method":"ping"}',
      whenIdleOnly: false,
      isReply: (text) => text.startsWith('{"channel":"pong"'),
    },
    isShutdownNotice: () => false, // none documented
    // 2000 messages per minute per IP.
    controlMessages: { burst: 20, perSecond: 2000 / 60 },
    // 100 connections per IP; no connect rate is documented: ours is gentle.
    connectAttempts: { burst: 10, perSecond: 1 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (coin) => [message('unsubscribe', 'depth', coin), message('subscribe', 'depth', coin)],
    },
    plan: (spec: FeedSpec) =>
      chunkedPlan(spec, MAX_SUBSCRIPTIONS, PATH, (part) => part.map((s) => message('subscribe', s.channel, s.symbol))),
    sequenceWatch: hyperliquidBookWatch,
  };
}
