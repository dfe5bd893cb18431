/**
 * Deribit JSON-RPC over WebSocket (docs.deribit.com, read 2026-12): `wss://www.deribit.com/ws/api/v2`;
 * `public/subscribe` with `params.channels`; `public/set_heartbeat` makes the server send
 * `heartbeat` notifications and `test_request`s, each of which must be answered with
 * `public/test` or the server closes the connection ("public/set_heartbeat"). Channels
 * `book.{instrument}.{interval}` (first notification a snapshot, then changes with
 * `change_id`/`prev_change_id`; a break means resubscribe), `trades.{instrument}.{interval}`,
 * `ticker.{instrument}.{interval}`. Interval `raw` "is only available to authorized users"
 * (docs.deribit.com/subscriptions/orderbook, "interval"): an unauthenticated recorder uses
 * `100ms`, which keeps the change-id chain. Non-matching-engine requests are credit-limited
 * (about 20 per second sustained, bursts of 100). No forced disconnect is documented.
 */
import type { FeedSpec, RecordChannel } from './connector.ts';
import type { BookSequenceWatch, SequenceStep } from './sequence-watch.ts';
import { fieldText } from './sequence-watch.ts';
import { chunkedPlan, type VenueProtocol } from './venue-protocol.ts';

const PREFIX = { depth: 'book', trade: 'trades', bbo: 'ticker' } as const;
const CHANNEL_OF: Readonly<Record<string, RecordChannel>> = { book: 'depth', trades: 'trade', ticker: 'bbo' };
const INTERVAL = '100ms';
const PATH = '/ws/api/v2';
/** Heartbeat interval asked of the server, s (Deribit accepts 10 or more). */
export const DERIBIT_HEARTBEAT_S = 30;
/** JSON-RPC id of our keep-alive `public/test` requests, so their replies are recognised. */
const TEST_ID = 9001;
const MAX_CHANNELS = 100;

const channelName = (channel: RecordChannel, instrument: string) => `${PREFIX[channel]}.${instrument}.${INTERVAL}`;

function rpc(id: number, method: string, params: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}

const TEST_REQUEST = rpc(TEST_ID, 'public/test', {});

/** change_id chain of `book.*` notifications per instrument; a snapshot restarts it. */
export function deribitSequenceWatch(): BookSequenceWatch {
  const last = new Map<string, number>();
  const none: SequenceStep = { kind: 'none' };
  return {
    observe(text) {
      if (!text.includes('"channel":"book.')) return none;
      const instrument = fieldText(text, 'instrument_name');
      const type = fieldText(text, 'type');
      const changeId = Number(fieldText(text, 'change_id'));
      if (instrument === null || !Number.isSafeInteger(changeId)) return none;
      if (type === 'snapshot') {
        last.set(instrument, changeId);
        return { kind: 'snapshot', symbol: instrument };
      }
      const prev = last.get(instrument);
      if (prev === undefined) return { kind: 'unsynced', symbol: instrument };
      const prevChangeId = Number(fieldText(text, 'prev_change_id'));
      last.set(instrument, changeId);
      return prevChangeId === prev
        ? { kind: 'continuous', symbol: instrument }
        : { kind: 'gap', symbol: instrument, detail: `prev_change_id=${prevChangeId} != previous change_id=${prev}` };
    },
    reset(instrument) {
      last.delete(instrument);
    },
  };
}

export function deribitProtocol(): VenueProtocol {
  return {
    venue: 'deribit',
    family: 'deribit',
    wsBaseUrl: 'wss://www.deribit.com',
    restBaseUrl: 'https://www.deribit.com',
    streamName: channelName,
    wsPath: () => PATH,
    silenceMs: { depth: 60_000, trade: 600_000, bbo: 60_000 },
    channelOf: (text) =>
      text.includes('"method":"subscription"')
        ? (CHANNEL_OF[(fieldText(text, 'channel') ?? '').split('.')[0] ?? ''] ?? null)
        : null,
    maxStreamsPerConnection: MAX_CHANNELS,
    forcedDisconnectMs: null,
    rotateAfterMs: null,
    keepAlive: {
      intervalMs: 15_000,
      text: TEST_REQUEST,
      whenIdleOnly: true,
      isReply: (text) => text.includes('"method":"heartbeat"') || text.includes(`"id":${TEST_ID},`),
      answer: (text) =>
        text.includes('"method":"heartbeat"') && text.includes('"test_request"') ? TEST_REQUEST : null,
    },
    isShutdownNotice: () => false,
    controlMessages: { burst: 100, perSecond: 20 },
    connectAttempts: { burst: 10, perSecond: 1 },
    bookSync: {
      kind: 'resubscribe',
      resubscribeMessages: (instrument) => [
        rpc(3, 'public/unsubscribe', { channels: [channelName('depth', instrument)] }),
        rpc(4, 'public/subscribe', { channels: [channelName('depth', instrument)] }),
      ],
    },
    plan: (spec: FeedSpec) =>
      chunkedPlan(spec, MAX_CHANNELS, PATH, (part) => [
        rpc(1, 'public/set_heartbeat', { interval: DERIBIT_HEARTBEAT_S }),
        rpc(2, 'public/subscribe', { channels: part.map((s) => channelName(s.channel, s.symbol)) }),
      ]),
    sequenceWatch: deribitSequenceWatch,
  };
}
