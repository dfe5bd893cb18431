/**
 * BitMEX realtime WebSocket (www.bitmex.com/app/wsAPI, "Subscriptions" and "Heartbeats", read
 * 2026-12): `wss://ws.bitmex.com/realtime`; subscribe with `{"op":"subscribe","args":["orderBookL2:XBTUSD",..]}`
 * (or `?subscribe=` in the URL); each table starts with a `partial` (the full image), then
 * `insert`/`update`/`delete` rows keyed by `id`; a resubscribe yields a fresh `partial`.
 * Keep-alive: when no message arrived for 5 s, send the text `ping`; the server answers `pong`.
 * New connections are rate-limited per IP (the welcome message's `limit.remaining`: 39 after the
 * first connection in the 2021 capture; we assume an hourly window); no forced disconnect is documented. Tables: `orderBookL2` (full
 * depth), `quote` (top of book), `trade`.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import type { BookSequenceWatch } from './sequence-watch.ts';
import { snapshotWatch } from './snapshot-watch.ts';
import { fieldText } from './sequence-watch.ts';
import { chunkedPlan, type VenueProtocol } from './venue-protocol.ts';

const TABLE = { depth: 'orderBookL2', trade: 'trade', bbo: 'quote' } as const;
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = { orderBookL2: 'depth', trade: 'trade', quote: 'bbo' };
const PATH = '/realtime';
const MAX_ARGS = 100;

const topic = (channel: RecordChannel, symbol: string) => `${TABLE[channel]}:${symbol}`;

function message(op: 'subscribe' | 'unsubscribe', args: readonly string[]): string {
  return JSON.stringify({ op, args });
}

/**
 * orderBookL2 has no sequence number: the watch only tells a `partial` (snapshot) from the rows
 * that follow, so book sync knows when a (re)subscribed book restarted. Id-to-price consistency
 * is the format's check (formats/bitmex.ts).
 */
function bitmexBookWatch(): BookSequenceWatch {
  return snapshotWatch((text) => {
    if (!text.startsWith('{"table":"orderBookL2"')) return null;
    const snapshot = fieldText(text, 'action') === 'partial';
    const symbol = fieldText(text, 'symbol', text.indexOf(snapshot ? '"filter"' : '"data"'));
    return symbol === null ? null : { symbol, snapshot };
  });
}

export function bitmexProtocol(): VenueProtocol {
  return {
    venue: 'bitmex',
    family: 'bitmex',
    wsBaseUrl: 'wss://ws.bitmex.com',
    restBaseUrl: 'https://www.bitmex.com',
    streamName: topic,
    wsPath: () => PATH,
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 30_000 },
    channelOf: (text) => (text.startsWith('{"table":"') ? (CHANNEL_OF[fieldText(text, 'table') ?? ''] ?? null) : null),
    maxStreamsPerConnection: MAX_ARGS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: { intervalMs: 5_000, text: 'ping', whenIdleOnly: true, isReply: (text) => text === 'pong' },
    isShutdownNotice: () => false,
    controlMessages: { burst: 20, perSecond: 10 },
    connectAttempts: { burst: 10, perSecond: 40 / 3600 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (symbol) => [
        message('unsubscribe', [topic('depth', symbol)]),
        message('subscribe', [topic('depth', symbol)]),
      ],
    },
    plan: (spec: FeedSpec) =>
      chunkedPlan(spec, MAX_ARGS, PATH, (part) => [
        message(
          'subscribe',
          part.map((s) => topic(s.channel, s.symbol)),
        ),
      ]),
    sequenceWatch: bitmexBookWatch,
  };
}
