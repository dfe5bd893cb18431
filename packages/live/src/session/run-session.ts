/**
 * What `chassis paper` and `chassis live` run: a session from its live.yaml (or, with the id of
 * an existing session, that session recovered from its journal), wired to a market input and a
 * venue adapter, until SIGINT/SIGTERM stops it gracefully.
 *
 * `chassis live` refuses to start — exit code 2, nothing sent — without
 * `--i-understand-this-trades-real-money`, without the venue's credentials in the environment
 * (their names are given, never their values), and when the reconciliation at start reports a
 * mismatch (the session is then stopped before the market input opens).
 *
 * The market input and the venue adapter come from a SessionWiring: the paper venue and the
 * recording connectors for paper, the venue adapters for live.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { ChassisError, type Event, type Instrument } from '@chassis/core';
import type { LiveClock, LiveVenueAdapter, MarketInput, Scheduler } from '../contracts.ts';
import { sessionDirOf, sessionPaths } from '../records/session-paths.ts';
import { readLiveConfigFile, type LiveAdapterKind, type LiveConfig } from '../live-config.ts';
import { resolveInstruments } from './instrument-resolution.ts';
import { catalogInstruments, engineConfigOfLive } from './engine-definition.ts';
import { createSession, recoverSession, type OpenedSession } from './session-directory.ts';
import { LiveSession, type SessionLog } from './live-session.ts';
import { TimerScheduler, WallClock } from './live-clock.ts';
import { LOG_REDACT_PATHS } from '../venues/binance-usdm/signing.ts';

export interface WiringContext {
  readonly mode: 'paper' | 'live';
  readonly sessionId: string;
  readonly dataRoot: string;
  readonly config: LiveConfig;
  readonly instruments: readonly Instrument[];
  readonly clock: LiveClock;
  readonly scheduler: Scheduler;
  /** WebSocket / REST base URLs replacing the venue's (tests, emulators). */
  readonly endpoint?: string;
  readonly restEndpoint?: string;
  /** The venue's user-data WebSocket base when it differs from `endpoint` (the emulator; default `endpoint`). */
  readonly userStreamEndpoint?: string;
  /** The recovered journal (null for a new session): the paper venue rebuilds its account from it. */
  readonly recovered: readonly Event[] | null;
  /** live only: the credentials read from the environment. */
  readonly credentials: { readonly apiKey: string; readonly apiSecret: string } | null;
  readonly log: SessionLog;
}

/** How a session gets its market data and its venue. */
export interface SessionWiring {
  marketInput(c: WiringContext): Promise<MarketInput>;
  adapter(c: WiringContext): Promise<LiveVenueAdapter>;
  /** Control API, metrics…: started once the session runs; the returned function stops them. */
  attach?(session: LiveSession, opened: OpenedSession, c: WiringContext): Promise<() => Promise<void>>;
}

export interface RunSessionOptions {
  readonly mode: 'paper' | 'live';
  readonly configPath: string;
  readonly dataRoot: string;
  /** An existing id resumes that session; a new one (or none: generated) creates it. */
  readonly sessionId?: string;
  readonly endpoint?: string;
  readonly restEndpoint?: string;
  readonly userStreamEndpoint?: string;
  readonly controlPort?: number;
  readonly metricsPort?: number;
  readonly iUnderstandThisTradesRealMoney?: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly wiring: SessionWiring;
  readonly codeVersion: string;
  /** Where a recovered session's strategy path may resolve from, in order. */
  readonly baseDirs: readonly string[];
  /** Called with the running session (tests, the CLI's messages). */
  readonly onRunning?: (session: LiveSession, opened: OpenedSession) => void;
  /** Stop signal source; default the process's SIGINT and SIGTERM. */
  readonly stopSignal?: (stop: (reason: string) => void) => () => void;
}

/** Environment variables holding a venue's credentials (never files, never logged): the adapter's. */
export function credentialVariables(
  venue: string,
  adapter: LiveAdapterKind = 'native',
): { key: string; secret: string } {
  return venue === 'binance-usdm' && adapter === 'native'
    ? { key: 'CHASSIS_BINANCE_API_KEY', secret: 'CHASSIS_BINANCE_API_SECRET' }
    : { key: 'CHASSIS_CCXT_API_KEY', secret: 'CHASSIS_CCXT_API_SECRET' };
}

function refuseWithoutFlag(flag: boolean | undefined): void {
  if (!flag)
    throw new ChassisError(
      'E_LIVE_REFUSED',
      'chassis live sends real orders with real money: run it with --i-understand-this-trades-real-money (or use chassis paper, which needs no credentials)',
      { exitCode: 2 },
    );
}

/** The refusals of `chassis live` that need no venue: the flag, then the adapter's credentials. */
export function liveCredentials(
  venue: string,
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv,
  adapter: LiveAdapterKind = venue === 'binance-usdm' ? 'native' : 'ccxt',
): { apiKey: string; apiSecret: string } {
  refuseWithoutFlag(flag);
  const v = credentialVariables(venue, adapter);
  const missing = [v.key, v.secret].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ChassisError(
      'E_LIVE_NO_CREDENTIALS',
      `chassis live on ${venue} needs its API credentials in the environment: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set (credentials are never read from files)`,
      { exitCode: 2 },
    );
  }
  return { apiKey: env[v.key]!, apiSecret: env[v.secret]! };
}

function newSessionId(mode: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${mode}-${t}-${randomBytes(3).toString('hex')}`;
}

/** pino into session.log; any field named key, secret or signature is redacted. */
function sessionLogger(dir: string): pino.Logger {
  mkdirSync(dir, { recursive: true });
  return pino(
    {
      base: null,
      redact: {
        paths: [...LOG_REDACT_PATHS],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: sessionPaths(dir).log, append: true, sync: true, mkdir: true }),
  );
}

function withFlags(config: LiveConfig, o: RunSessionOptions): LiveConfig {
  return {
    ...config,
    control: o.controlPort === undefined ? config.control : { ...config.control, port: o.controlPort },
    monitoring: o.metricsPort === undefined ? config.monitoring : { ...config.monitoring, metricsPort: o.metricsPort },
  };
}

async function openSession(o: RunSessionOptions, sessionId: string): Promise<OpenedSession> {
  const dir = sessionDirOf(o.dataRoot, sessionId);
  if (existsSync(sessionPaths(dir).session)) return recoverSession(o.dataRoot, sessionId, o.baseDirs);
  const config = readLiveConfigFile(o.configPath);
  const instruments = resolveInstruments(config, await catalogInstruments(o.dataRoot));
  return createSession({
    dataRoot: o.dataRoot,
    sessionId,
    mode: o.mode,
    config,
    configDir: dirname(resolve(o.configPath)),
    engineConfig: engineConfigOfLive(config, instruments, 'v0'),
    codeVersion: o.codeVersion,
    createdAt: new Date().toISOString(),
  });
}

function processSignals(stop: (reason: string) => void): () => void {
  const on = (signal: NodeJS.Signals) => () => stop(signal);
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  return () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
}

/** Runs a session until it is stopped; resolves with where it lives and its last seq. */
export async function runSession(
  o: RunSessionOptions,
): Promise<{ sessionId: string; dir: string; lastSeq: number; stateHash: string }> {
  const peek =
    o.sessionId && existsSync(sessionPaths(sessionDirOf(o.dataRoot, o.sessionId)).session)
      ? null
      : readLiveConfigFile(o.configPath);
  // Refused before the session directory is touched: the flag, and the credentials when live.yaml names the venue.
  if (o.mode === 'live') refuseWithoutFlag(o.iUnderstandThisTradesRealMoney);
  const early = o.mode === 'live' && peek ? liveCredentials(peek.venue, true, o.env, peek.adapter) : null;
  const sessionId = o.sessionId ?? newSessionId(o.mode);
  const opened = await openSession(o, sessionId);
  if (opened.file.mode !== o.mode)
    throw new ChassisError(
      'E_SESSION_MODE',
      `session ${sessionId} is a ${opened.file.mode} session: resume it with chassis ${opened.file.mode}`,
      { exitCode: 2 },
    );
  const credentials =
    o.mode === 'live' ? (early ?? liveCredentials(opened.config.venue, true, o.env, opened.config.adapter)) : null;
  const log = sessionLogger(opened.dir);
  const config = withFlags(opened.config, o);
  const r = opened.recovery;
  if (r)
    log.info(
      {
        events: r.events,
        lastSeq: r.lastSeq,
        stateHash: r.stateHash,
        checkpoint: r.checkpoint,
        cut: r.cut,
        inflight: r.inflight.length,
        unsent: r.unsent.length,
      },
      'session recovered from its journal',
    );
  const clock = new WallClock({ notBeforeNs: opened.engine.view.control.nowNs });
  const scheduler = new TimerScheduler(clock);
  const ctx: WiringContext = {
    mode: o.mode,
    sessionId,
    dataRoot: o.dataRoot,
    config,
    instruments: opened.engineConfig.instruments,
    recovered: r ? r.journal : null,
    clock,
    scheduler,
    credentials,
    log,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.restEndpoint ? { restEndpoint: o.restEndpoint } : {}),
    ...(o.userStreamEndpoint ? { userStreamEndpoint: o.userStreamEndpoint } : {}),
  };
  const adapter = await o.wiring.adapter(ctx);
  const marketInput = await o.wiring.marketInput(ctx);
  const session = new LiveSession({ ...opened, config, mode: o.mode, adapter, marketInput, clock, scheduler, log });
  let stopRequested: (reason: string) => void = () => {};
  const stopped = new Promise<string>((res) => (stopRequested = res));
  const dispose = (o.stopSignal ?? processSignals)((reason) => stopRequested(reason));
  // The session runs until it is stopped, even while no socket or timer of its parts is active.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await session.start({
      ...(r
        ? {
            unsent: r.unsent,
            controlDrafts: r.controlDrafts,
            inflight: r.inflight,
            obligations: r.obligations,
            venueLostOrders: o.mode === 'paper',
          }
        : {}),
      refuseOnMismatch: o.mode === 'live',
    });
  } catch (err) {
    dispose();
    await session.stop(err instanceof ChassisError ? err.code : 'start failed');
    clearInterval(keepAlive);
    throw err;
  }
  const detach = (await o.wiring.attach?.(session, opened, ctx)) ?? (() => Promise.resolve());
  log.info({ sessionId, mode: o.mode, venue: config.venue, lastSeq: session.lastSeq }, 'session running');
  o.onRunning?.(session, opened);
  const reason = await stopped;
  dispose();
  await detach();
  // Kept alive until the end: the session end event waits for the journal's fsync window, whose timer does not hold the process.
  await session.stop(reason);
  clearInterval(keepAlive);
  log.flush();
  const status = session.status();
  return { sessionId, dir: opened.dir, lastSeq: status.lastSeq, stateHash: status.stateHash };
}
