/**
 * Coinbase Advanced Trade market-data WebSocket (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket,
 * "WebSocket Overview" and "WebSocket Channels", read 2026-12): `wss://advanced-trade-ws.coinbase.com`,
 * public without authentication for `level2`, `market_trades`, `ticker` and `heartbeats`; one
 * subscribe message per channel, `{"type":"subscribe","product_ids":["BTC-USD"],"channel":"level2"}`,
 * sent within 5 s of connecting or the venue disconnects. "Most channels close within 60-90
 * seconds if no updates are sent. Subscribe to heartbeats to keep all subscriptions open": we
 * always add `heartbeats` (one message a second, no products). Messages are
 * `{"channel":"l2_data"|"market_trades"|"ticker"|"heartbeats"|"subscriptions",..,"sequence_num":N,"events":[..]}`;
 * `sequence_num` counts every message of the connection, and its continuity is verified by the
 * format on reading (formats/coinbase.ts). The book (`l2_data`) starts with a `snapshot` event
 * per product, then `update` events; a resubscribe yields a fresh snapshot. This is the feed
 * with the sequence check; the Exchange feed (`wss://ws-feed.exchange.coinbase.com`) is
 * importable but not recorded.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import type { BookSequenceWatch } from './sequence-watch.ts';
import { snapshotWatch } from './snapshot-watch.ts';
import { fieldText } from './sequence-watch.ts';
import { chunkedPlan, type VenueProtocol } from './venue-protocol.ts';

const SUBSCRIBE_CHANNEL = { depth: 'level2', trade: 'market_trades', bbo: 'ticker' } as const;
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = { l2_data: 'depth', market_trades: 'trade', ticker: 'bbo' };
const MAX_SUBSCRIPTIONS = 100;
const HEARTBEATS = JSON.stringify({ type: 'subscribe', channel: 'heartbeats' });

function request(type: 'subscribe' | 'unsubscribe', channel: RecordChannel, productIds: readonly string[]): string {
  return JSON.stringify({ type, product_ids: productIds, channel: SUBSCRIBE_CHANNEL[channel] });
}

/** l2_data snapshot vs update per product (the first event of a message names it). */
function coinbaseBookWatch(): BookSequenceWatch {
  return snapshotWatch((text) => {
    if (!text.startsWith('{"channel":"l2_data"')) return null;
    const events = text.indexOf('"events"');
    const symbol = fieldText(text, 'product_id', events);
    return symbol === null ? null : { symbol, snapshot: fieldText(text, 'type', events) === 'snapshot' };
  });
}

export function coinbaseProtocol(): VenueProtocol {
  return {
    venue: 'coinbase',
    family: 'coinbase',
    wsBaseUrl: 'wss://advanced-trade-ws.coinbase.com',
    restBaseUrl: 'https://api.coinbase.com',
    streamName: (channel, product) => `${SUBSCRIBE_CHANNEL[channel]}:${product}`,
    wsPath: () => '',
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 60_000 },
    channelOf: (text) =>
      text.startsWith('{"channel":"') ? (CHANNEL_OF[fieldText(text, 'channel') ?? ''] ?? null) : null,
    maxStreamsPerConnection: MAX_SUBSCRIPTIONS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: null, // the heartbeats channel keeps it open; silence per channel catches a dead one
    isShutdownNotice: () => false,
    controlMessages: { burst: 20, perSecond: 5 },
    connectAttempts: { burst: 8, perSecond: 1 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (product) => [
        request('unsubscribe', 'depth', [product]),
        request('subscribe', 'depth', [product]),
      ],
    },
    plan: (spec: FeedSpec) =>
      chunkedPlan(spec, MAX_SUBSCRIPTIONS, '', (part) => [
        HEARTBEATS,
        ...spec.channels
          .filter((c) => part.some((s) => s.channel === c))
          .map((c) =>
            request(
              'subscribe',
              c,
              part.filter((s) => s.channel === c).map((s) => s.symbol),
            ),
          ),
      ]),
    sequenceWatch: coinbaseBookWatch,
  };
}
