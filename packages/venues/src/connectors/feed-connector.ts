/**
 * `createFeedConnector(spec, options)`: one venue feed over as many connections as the venue's
 * routes and limits require (venue-protocol.ts plans them), each kept alive by a FeedLink, with
 * book sync on the connections carrying depth. Every frame goes to the sink unchanged and in
 * order of receipt per connection; frames that are not JSON are delivered too, reported as
 * `malformed`, and resync the books of their connection.
 */
import { ChassisError } from '@chassis/core';
import type { ConnectionEvent, ConnectorOptions, FeedConnector, FeedSpec } from './connector.ts';
import { BookSync } from './book-sync.ts';
import { FeedLink } from './feed-link.ts';
import { venueProtocol } from './protocol-registry.ts';
import { RestSnapshotClient } from './rest-snapshot.ts';
import { TokenBucket } from './token-bucket.ts';
import { joinBase, type ConnectionPlan, type KeepAlive } from './venue-protocol.ts';
import type { WsConnection } from './ws-connection.ts';

const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 60_000 };

export function createFeedConnector(spec: FeedSpec, options: ConnectorOptions): FeedConnector {
  if (spec.symbols.length === 0 || spec.channels.length === 0) throw new ChassisError('E_FEED_EMPTY', `feed for ${spec.venue} needs at least one symbol and one channel`);
  const protocol = venueProtocol(spec.venue);
  const ov = options.overrides ?? {};
  const random = options.random ?? Math.random;
  const backoff = { baseMs: ov.backoffBaseMs ?? DEFAULT_BACKOFF.baseMs, maxMs: ov.backoffMaxMs ?? DEFAULT_BACKOFF.maxMs };
  const wsBase = options.endpoints?.wsBaseUrl ?? protocol.wsBaseUrl;
  const restBase = options.endpoints?.restBaseUrl ?? protocol.restBaseUrl;
  joinBase(restBase, '/'); // validates an --rest-endpoint up front
  const { sink, clock } = options;
  let running = false;
  let counter = 0;
  const connections = new Map<string, WsConnection>();

  const rest =
    protocol.bookSync.kind === 'rest-snapshot' && spec.channels.includes('depth')
      ? new RestSnapshotClient({
          rules: ov.restWeightWindowMs === undefined ? protocol.bookSync : { ...protocol.bookSync, weightWindowMs: ov.restWeightWindowMs },
          captureNs: () => clock.nowNs(),
          random,
          backoff,
          onWait: (reason, delayMs, connectionId) => event({ type: 'rate-limited', tsNs: clock.nowNs(), connectionId, reason, delayMs }),
        })
      : null;
  const books = new BookSync({
    protocol,
    restBaseUrl: joinBase(restBase, ''),
    rest,
    clock,
    sink,
    send: (id, text) => connections.get(id)?.send(text),
    running: () => running,
  });
  const connectBucket = new TokenBucket(protocol.connectAttempts.burst, protocol.connectAttempts.perSecond);
  const links = protocol.plan(spec).map(linkFor);

  /** One planned connection: frames to the sink (and to book sync when it carries depth). */
  function linkFor(plan: ConnectionPlan): FeedLink {
    const depth = plan.channels.includes('depth');
    const planUrl = joinBase(wsBase, plan.path);
    const preconnect = protocol.preconnect;
    return new FeedLink({
      url: planUrl,
      preconnect:
        preconnect === undefined
          ? undefined
          : (connectionId) => preconnect({ planUrl, restBaseUrl: joinBase(restBase, ''), wsBaseOverride: options.endpoints?.wsBaseUrl ?? null, connectionId }),
      isReady: protocol.isReady,
      subscribeMessages: plan.subscribeMessages,
      keepAlive: keepAlive(protocol.keepAlive, ov.pingIntervalMs),
      isShutdownNotice: protocol.isShutdownNotice,
      silence: plan.channels.map((channel) => ({ channel, ms: ov.silenceMs ?? protocol.silenceMs[channel] })),
      channelOf: protocol.channelOf,
      rotateAfterMs: ov.rotateAfterMs ?? protocol.rotateAfterMs,
      controlMessages: protocol.controlMessages,
      connectBucket,
      backoff,
      random,
      clock,
      nextConnectionId: () => `${options.connectionIdPrefix}-${++counter}`,
      onFrame: (conn, text, tsNs, data) => {
        if (!data) return sink.frame({ source: 'ws', tsCaptureNs: tsNs, connectionId: conn.connectionId, text, keepAlive: true });
        sink.frame({ source: 'ws', tsCaptureNs: tsNs, connectionId: conn.connectionId, text });
        if (looksLikeJson(text)) {
          if (depth) books.frame(conn.connectionId, text, tsNs);
          return;
        }
        event({ type: 'malformed', tsNs, connectionId: conn.connectionId, reason: `frame is not JSON (${text.length} chars, starting ${JSON.stringify(text.slice(0, 60))}); recorded as received` });
        if (depth) books.malformed(conn.connectionId); // it may have been a diff: the books resync
      },
      onConnectionOpen: (conn) => {
        connections.set(conn.connectionId, conn);
        if (depth) books.connectionOpened(conn.connectionId, plan.symbols);
      },
      onConnectionEnd: (conn) => {
        connections.delete(conn.connectionId);
        books.connectionEnded(conn.connectionId);
      },
      event,
    });
  }

  function event(e: ConnectionEvent): void {
    if (running) sink.event(e);
  }

  return {
    spec,
    start() {
      if (running) return;
      running = true;
      for (const link of links) link.start();
    },
    async stop(reason: string) {
      rest?.stop();
      await Promise.all(links.map((l) => l.stop(reason)));
      running = false;
    },
  };
}

function keepAlive(k: KeepAlive | null, intervalMs: number | undefined): KeepAlive | null {
  return k === null || intervalMs === undefined ? k : { ...k, intervalMs };
}

/**
 * Cheap structural check: starts with `{`/`[` and ends with the matching bracket, surrounding
 * JSON whitespace allowed (a full parse per frame would cost more than the recording itself).
 */
function looksLikeJson(text: string): boolean {
  let i = 0;
  let j = text.length - 1;
  while (i <= j && isJsonSpace(text.charCodeAt(i))) i++;
  while (j >= i && isJsonSpace(text.charCodeAt(j))) j--;
  const first = text.charCodeAt(i);
  const last = text.charCodeAt(j);
  return i < j && ((first === 123 && last === 125) || (first === 91 && last === 93)); // {...} or [...]
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
