/**
 * OKX v5 public WebSocket (okx.com/docs-v5/en, "WebSocket" overview and "Order book channel",
 * read 2026-12): `wss://ws.okx.com:8443/ws/v5/public`; subscribe with
 * `{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}, ...]}` (args ≤ 64 KB per
 * message); 3 connection requests per second per IP; 480 subscribe/unsubscribe/login requests
 * per hour per connection; the server closes a connection after 30 s without data, so a client
 * idle for N < 30 s sends the text `ping` and expects `pong`; 30 s before a service upgrade
 * closes connections OKX sends `{"event":"notice","code":"64008",...}`. Channels: `books` (400 levels,
 * snapshot then incremental updates with seqId/prevSeqId — the CRC32 checksum is no longer a
 * reliable check), `trades`, `bbo-tbt` (tick-by-tick best bid/offer). No forced periodic
 * disconnect is documented. The book resyncs by unsubscribing and subscribing again, after which
 * OKX sends a fresh snapshot.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import { fieldText, okxSequenceWatch } from './sequence-watch.ts';
import { chunks, type ConnectionPlan, type VenueProtocol } from './venue-protocol.ts';

const CHANNEL = { depth: 'books', trade: 'trades', bbo: 'bbo-tbt' } as const;
const PATH = '/ws/v5/public';
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = { books: 'depth', trades: 'trade', 'bbo-tbt': 'bbo' };
/** Our cap on args per connection (OKX caps bytes, not args): 240 args stay far below 64 KB. */
const MAX_ARGS = 240;

function message(op: 'subscribe' | 'unsubscribe', args: readonly { channel: string; instId: string }[]): string {
  return JSON.stringify({ op, args });
}

export function okxProtocol(): VenueProtocol {
  return {
    venue: 'okx',
    family: 'okx',
    wsBaseUrl: 'wss://ws.okx.com:8443',
    restBaseUrl: 'https://www.okx.com',
    streamName: (channel: RecordChannel, symbol: string) => `${CHANNEL[channel]}:${symbol}`,
    wsPath: () => PATH,
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 30_000 },
    // Pushes start with {"arg":{"channel":...; acks, errors and notices with {"event":...
    channelOf: (text) => (text.startsWith('{"event"') ? null : (CHANNEL_OF[fieldText(text, 'channel') ?? ''] ?? null)),
    maxStreamsPerConnection: MAX_ARGS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: { intervalMs: 20_000, text: 'ping', whenIdleOnly: true, isReply: (text) => text === 'pong' },
    // "event":"notice" code 64008, 30 s before a service upgrade closes the connection (okx.com/docs-v5, WebSocket "Notice").
    isShutdownNotice: (text) => text.includes('"event":"notice"') && text.includes('"64008"'),
    // 480 per hour per connection: a burst for the initial subscription, then one per 7.5 s.
    controlMessages: { burst: 20, perSecond: 480 / 3600 },
    connectAttempts: { burst: 3, perSecond: 3 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (symbol) => [message('unsubscribe', [{ channel: CHANNEL.depth, instId: symbol }]), message('subscribe', [{ channel: CHANNEL.depth, instId: symbol }])],
    },
    plan(spec: FeedSpec): ConnectionPlan[] {
      const args = spec.channels.flatMap((channel) => spec.symbols.map((symbol) => ({ channel, symbol })));
      return chunks(args, MAX_ARGS).map((part) => ({
        path: PATH,
        symbols: [...new Set(part.map((a) => a.symbol))],
        channels: [...new Set(part.map((a) => a.channel))],
        subscribeMessages: [message('subscribe', part.map((a) => ({ channel: CHANNEL[a.channel], instId: a.symbol })))],
      }));
    },
    sequenceWatch: () => okxSequenceWatch(CHANNEL.depth),
  };
}
