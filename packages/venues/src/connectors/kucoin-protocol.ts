/**
 * KuCoin spot public market data.
 *
 * Sources (read 2026-12; docs.kucoin.com "Websocket" / "Apply connect token", and three clients
 * that implement it: tardis-dev `realtimefeeds/kucoin.js`, ccxt pro `kucoin.js`, ccxws
 * `KucoinClient.ts`):
 * - Before every connection, `POST {rest}/api/v1/bullet-public` (no auth) answers
 *   `{"code":"200000","data":{"token", "instanceServers":[{"endpoint", "pingInterval", "pingTimeout", ...}]}}`;
 *   connect to `{endpoint}?token={token}&connectId={id}` (tardis-dev: `…&connectId=${random}`).
 *   A token is used for one connection, so the request is repeated on every reconnect.
 * - The server first sends `{"id":…,"type":"welcome"}`; subscribe only after it:
 *   `{"id":…,"type":"subscribe","topic":"/market/level2:BTC-USDT","response":true}` → `ack`.
 * - No WebSocket ping frames: the client sends `{"id":…,"type":"ping"}` every `pingInterval`
 *   (18 000 ms in the documented answer) and gets `{"id":…,"type":"pong"}` (ccxt: "kucoin does
 *   not support built-in ws protocol-level ping-pong, instead it requires a custom json-based
 *   text ping-pong").
 * - At most 100 topics per connection (ccxws: "509: exceed max subscription count limitation of
 *   100 per session"); 100 client messages per 10 s per connection.
 * - Book: `/market/level2:{symbol}` changes span `sequenceStart`..`sequenceEnd`; continuity is
 *   `sequenceStart == previous sequenceEnd + 1`; the book is built from a REST snapshot fetched
 *   after the first change (KuCoin's level2 procedure). The full-depth snapshot
 *   (`/api/v3/market/orderbook/level2`) needs an API key; we record the public
 *   `GET /api/v1/market/orderbook/level2_100` (top 100 per side), so the rebuilt book is exact
 *   inside the snapshot's depth and grows from the changes outside it.
 *
 * `--endpoint`: the bullet request goes to the REST base (production or `--rest-endpoint`);
 * with a WebSocket override the instance endpoint keeps its path and query but takes the
 * override's scheme, host and port (a loopback venue can answer the bullet with its public URL).
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import { fieldText, type BookSequenceWatch, type SequenceStep } from './sequence-watch.ts';
import { chunkedPlan, PreconnectRefused, type PreconnectContext, type VenueProtocol } from './venue-protocol.ts';
import { retryAfterMs } from './backoff.ts';

const TOPIC = { depth: '/market/level2', trade: '/market/match', bbo: '/market/ticker' } as const;
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = {
  '/market/level2': 'depth',
  '/market/match': 'trade',
  '/market/ticker': 'bbo',
};
const MAX_TOPICS = 100;
/** The documented bullet answer's pingInterval, ms. */
export const KUCOIN_PING_INTERVAL_MS = 18_000;
export const KUCOIN_PING = '{"id":"chassis-ping","type":"ping"}';

const topicName = (channel: RecordChannel, symbol: string): string => `${TOPIC[channel]}:${symbol}`;

/** `sequenceStart == previous sequenceEnd + 1` of `/market/level2` changes per symbol. */
export function kucoinSequenceWatch(): BookSequenceWatch {
  const lastEnd = new Map<string, number>();
  const none: SequenceStep = { kind: 'none' };
  return {
    observe(text) {
      if (!text.includes('"topic":"/market/level2:')) return none;
      const symbol = fieldText(text, 'symbol');
      const start = Number(fieldText(text, 'sequenceStart'));
      const end = Number(fieldText(text, 'sequenceEnd'));
      if (symbol === null || !Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return none;
      const prev = lastEnd.get(symbol);
      if (prev === undefined) {
        lastEnd.set(symbol, end);
        return { kind: 'first', symbol };
      }
      if (end <= prev) return { kind: 'continuous', symbol }; // a repeat; the reader drops it
      lastEnd.set(symbol, end);
      return start === prev + 1
        ? { kind: 'continuous', symbol }
        : { kind: 'gap', symbol, detail: `sequenceStart=${start} != previous sequenceEnd+1=${prev + 1}` };
    },
    reset(symbol) {
      lastEnd.delete(symbol);
    },
  };
}

/** The WebSocket URL of one connection: a bullet token, then the instance server it names. */
export async function kucoinBullet(ctx: PreconnectContext): Promise<string> {
  const url = `${ctx.restBaseUrl}/api/v1/bullet-public`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new PreconnectRefused(`POST ${url} failed: ${err instanceof Error ? err.message : String(err)}`, null, null);
  }
  const body = await res.text();
  if (!res.ok)
    throw new PreconnectRefused(
      `POST ${url} answered HTTP ${res.status}`,
      res.status,
      retryAfterMs(res.headers.get('retry-after'), Date.now()),
    );
  const server = bulletServer(body);
  if (server === null)
    throw new PreconnectRefused(
      `POST ${url} answered no token and instance server: ${body.slice(0, 200)}`,
      res.status,
      null,
    );
  const endpoint = new URL(server.endpoint);
  if (ctx.wsBaseOverride !== null) {
    const base = new URL(ctx.wsBaseOverride);
    endpoint.protocol = base.protocol;
    endpoint.host = base.host;
  }
  endpoint.searchParams.set('token', server.token);
  endpoint.searchParams.set('connectId', ctx.connectionId);
  return endpoint.toString();
}

function bulletServer(body: string): { token: string; endpoint: string } | null {
  try {
    const parsed = JSON.parse(body) as {
      code?: unknown;
      data?: { token?: unknown; instanceServers?: { endpoint?: unknown }[] };
    };
    const token = parsed.data?.token;
    const endpoint = parsed.data?.instanceServers?.[0]?.endpoint;
    return parsed.code === '200000' && typeof token === 'string' && typeof endpoint === 'string'
      ? { token, endpoint }
      : null;
  } catch {
    return null;
  }
}

export function kucoinProtocol(): VenueProtocol {
  return {
    venue: 'kucoin',
    family: 'kucoin',
    // Production instance servers are named by the bullet answer; this is the documented one.
    wsBaseUrl: 'wss://ws-api-spot.kucoin.com',
    restBaseUrl: 'https://api.kucoin.com',
    streamName: topicName,
    wsPath: () => '/',
    silenceMs: { depth: 30_000, trade: 600_000, bbo: 60_000 },
    channelOf: (text) =>
      text.includes('"type":"message"')
        ? (CHANNEL_OF[(fieldText(text, 'topic') ?? '').split(':')[0] ?? ''] ?? null)
        : null,
    maxStreamsPerConnection: MAX_TOPICS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: {
      intervalMs: KUCOIN_PING_INTERVAL_MS,
      text: KUCOIN_PING,
      whenIdleOnly: false,
      isReply: (text) => text.includes('"type":"pong"'),
    },
    isShutdownNotice: () => false,
    controlMessages: { burst: 100, perSecond: 10 },
    connectAttempts: { burst: 30, perSecond: 0.5 },
    bookSync: {
      kind: 'rest-snapshot',
      snapshotPath: (symbol) => `/api/v1/market/orderbook/level2_100?symbol=${symbol}`,
      // KuCoin's public pool: 2000 per 30 s, level2_100 costs 2 (docs "Rate Limit"). KuCoin
      // reports what *remains* (gw-ratelimit-remaining), the client reads a *used* header: none is
      // read, pacing is by weight alone, and a 429's Retry-After still wins.
      requestWeight: 2,
      weightLimit: 2000,
      weightWindowMs: 30_000,
      usedWeightHeader: 'x-chassis-kucoin-reports-remaining-only',
    },
    plan: (spec: FeedSpec) =>
      chunkedPlan(spec, MAX_TOPICS, '/', (part) =>
        part.map((s, i) =>
          JSON.stringify({
            id: String(i + 1),
            type: 'subscribe',
            topic: topicName(s.channel, s.symbol),
            response: true,
          }),
        ),
      ),
    sequenceWatch: kucoinSequenceWatch,
    preconnect: kucoinBullet,
    isReady: (text) => text.includes('"type":"welcome"'),
  };
}
