/**
 * The wiring `chassis paper` and `chassis live` use: the market input over the venue's
 * recording connector (raw frames recorded under the data root), and
 * - paper: the paper venue (the backtest's simulated venue in real time, live.yaml `paper:`
 *   models); each market event reaches the paper venue just before the session appends it, so
 *   the venue's answers due by then come first, as on the backtest timeline;
 * - live: live.yaml `adapter`: the native Binance USD-M adapter (its user stream at
 *   `--user-stream-endpoint`, default `--endpoint`) or the ccxt adapter (pinned to
 *   `--rest-endpoint`); credentials from the environment only.
 * Once the session runs, its control API (loopback, bearer token) is started, and with
 * `monitoring.metricsPort` (or `--metrics-port`) its `chassis_live_*` metrics are served.
 */
import { ChassisError, type EventDraft, type MarketEvent } from '@chassis/core';
import { defaultBalances } from '@chassis/backtesting';
import { openStorage } from '@chassis/storage';
import type { LiveVenueAdapter, MarketInput, MarketInputSink } from '../contracts.ts';
import { openMarketInput } from '../market-input/market-input.ts';
import { createPaperVenue, paperSimulation, type PaperVenue } from '../paper/paper-venue.ts';
import { createBinanceUsdmAdapter } from '../venues/binance-usdm/adapter.ts';
import { BinanceCredentials } from '../venues/binance-usdm/signing.ts';
import { createCcxtVenueAdapter } from '../venues/ccxt/create-ccxt-adapter.ts';
import { ccxtExchangeId } from '../venues/ccxt/venue-profile.ts';
import { startControlServer } from '../control/control-server.ts';
import { startMonitoring } from '@chassis/monitoring';
import { createLiveMetrics, type LiveMetrics } from '../metrics/live-metrics.ts';
import type { LiveSession } from './live-session.ts';
import type { OpenedSession } from './session-directory.ts';
import { rateBucketOf } from './engine-definition.ts';
import type { SessionWiring, WiringContext } from './run-session.ts';

/** The market input, with each event handed to the paper venue first (paper mode). */
function feedingPaper(input: MarketInput, paper: PaperVenue): MarketInput {
  return {
    start(sink: MarketInputSink): void {
      input.start({
        market(event: EventDraft<MarketEvent>): void {
          paper.onMarket(event);
          sink.market(event);
        },
        feedHealth: (instrument, state, reason) => sink.feedHealth(instrument, state, reason),
      });
    },
    stop: (reason) => input.stop(reason),
  };
}

function paperVenueOf(c: WiringContext): PaperVenue {
  const first = c.instruments[0]!;
  return createPaperVenue({
    venue: c.config.venue,
    instruments: c.instruments,
    simulation: paperSimulation(c.config.paper, c.config.paper.seed, c.instruments),
    clock: c.clock,
    scheduler: c.scheduler,
    rateBuckets: [rateBucketOf(c.config)],
    initialBalances: c.config.balances ?? defaultBalances(first),
  });
}

function liveAdapterOf(c: WiringContext): LiveVenueAdapter | Promise<LiveVenueAdapter> {
  const { apiKey, apiSecret } = c.credentials!;
  if (c.config.adapter === 'ccxt') return ccxtAdapterOf(c, apiKey, apiSecret);
  return createBinanceUsdmAdapter({
    sessionId: c.sessionId,
    instruments: c.instruments,
    credentials: new BinanceCredentials(apiKey, apiSecret),
    ...(c.restEndpoint ? { restBaseUrl: c.restEndpoint } : {}),
    ...((c.userStreamEndpoint ?? c.endpoint) ? { wsBaseUrl: c.userStreamEndpoint ?? c.endpoint } : {}),
  });
}

/** The venues' own REST origins the ccxt adapter is pinned to without `--rest-endpoint`. */
const CCXT_REST_ORIGINS: Readonly<Record<string, string>> = { 'binance-usdm': 'https://fapi.binance.com' };

/** The ccxt adapter, pinned to one REST origin: `--rest-endpoint`, else the venue's own. */
function ccxtAdapterOf(c: WiringContext, apiKey: string, secret: string): Promise<LiveVenueAdapter> {
  const exchangeId = ccxtExchangeId(c.config.venue);
  const endpoint = c.restEndpoint ?? CCXT_REST_ORIGINS[c.config.venue];
  if (exchangeId === null || endpoint === undefined)
    throw new ChassisError(
      'E_LIVE_UNAVAILABLE',
      exchangeId === null
        ? `ccxt does not cover ${c.config.venue} in this build`
        : `chassis live through ccxt on ${c.config.venue} needs --rest-endpoint (the venue's REST API origin)`,
      { exitCode: 2 },
    );
  return createCcxtVenueAdapter({
    venue: c.config.venue,
    exchangeId,
    endpoint,
    instruments: c.instruments,
    sessionId: c.sessionId,
    credentials: { apiKey, secret },
    clock: c.clock,
    log: (message, fields) => c.log.info(fields ?? {}, message),
  });
}

/**
 * The session's metrics endpoint (null without a metrics port): every appended event observed
 * after the core processed it; the venue's rate-limit use read at each scrape when the adapter
 * reports it (Binance: the last X-MBX-* headers).
 */
async function startLiveMetrics(
  session: LiveSession,
  opened: OpenedSession,
  c: WiringContext,
  adapter: LiveVenueAdapter | null,
): Promise<{ metrics: LiveMetrics; stop: () => Promise<void> } | null> {
  const port = c.config.monitoring.metricsPort;
  if (port === null) return null;
  const monitoring = await startMonitoring({
    component: c.mode,
    metricsPort: port,
    metricsHost: c.config.monitoring.host,
    dataRoot: c.dataRoot,
  });
  const metrics = createLiveMetrics(
    monitoring.metrics.registry,
    { component: c.mode, sessionId: c.sessionId, strategy: c.config.strategy.module, venue: c.config.venue },
    c.clock,
  );
  session.onEvent((event) => metrics.observe(event, opened.engine.view));
  const headroom = (adapter as { headroom?: () => ReturnType<Parameters<LiveMetrics['rateLimitsFrom']>[0]> } | null)
    ?.headroom;
  if (headroom) metrics.rateLimitsFrom(() => headroom.call(adapter));
  c.log.info({ url: monitoring.server?.url }, 'metrics listening');
  return { metrics, stop: () => monitoring.finish() };
}

export function defaultWiring(): SessionWiring {
  let paper: PaperVenue | null = null;
  let venue: LiveVenueAdapter | null = null;
  return {
    adapter(c) {
      if (c.mode === 'live') return Promise.resolve(liveAdapterOf(c)).then((a) => (venue = a));
      paper = paperVenueOf(c);
      if (c.recovered) paper.restoreAccount(c.recovered);
      return Promise.resolve(paper);
    },
    async marketInput(c) {
      const input = await openMarketInput({
        venue: c.config.venue,
        instruments: c.instruments,
        clock: c.clock,
        session: c.sessionId,
        endpoints: {
          ...(c.endpoint ? { wsBaseUrl: c.endpoint } : {}),
          ...(c.restEndpoint ? { restBaseUrl: c.restEndpoint } : {}),
        },
        recording: { storage: openStorage(c.dataRoot) },
        log: c.log,
      });
      return paper ? feedingPaper(input, paper) : input;
    },
    async attach(session, opened, c) {
      const live = await startLiveMetrics(session, opened, c, venue ?? paper);
      const server = await startControlServer({
        control: session,
        sessionId: c.sessionId,
        sessionDir: opened.dir,
        log: c.log,
        port: c.config.control.port,
        host: c.config.control.host,
        ...(live ? { onRefusal: live.metrics.controlRefused } : {}),
      });
      c.log.info({ url: server.url, token: server.tokenPath }, 'control API listening');
      return async () => {
        await server.close();
        await live?.stop();
      };
    },
  };
}
