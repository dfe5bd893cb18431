/**
 * live-tick-to-request: the live runtime's own latency from a market message read off the socket
 * to the signed order request handed to the venue connection, against the local Binance USD-M
 * emulator (test/binance-usdm-emulator), through `runSession` in live mode with the Binance
 * adapter and the recording market input wired as a live session is.
 *
 * One sample = clock.nowNs() when the adapter's REST client hands a signed POST/PUT
 * /fapi/v1/order to fetch (its `onRequest` hook) − the tsLocalNs the market input stamped on
 * the frame that caused it (the frame's capture time on receipt, the session's WallClock). In
 * between, synchronously: the venue mapper, canonical events, the session's write-ahead journal
 * append (fsync batched, as configured by default), the core step with risk checks and the rate
 * bucket, the strategy, the request's journal append, execution records, the client order id,
 * the parameters and their HMAC-SHA256 signature. Not in it: fetch's own work and the loopback
 * write (the baseline covers a socket round trip), the venue's answer.
 * A request is counted only if it is issued inside the processing of one market frame (the bench
 * strategy, bench/live-tick-strategy.ts, requests on bbo events only, at most one per event);
 * requests issued later (answers, timers, the core's queue) are counted apart as `deferred`, and
 * venue refusals are counted too (0 expected: the limits are raised, the strategy never sends a
 * no-op modify). Opt-in: the full run (10,000 samples) takes about 1.5 minutes; `--quick` takes
 * 1,000 samples in about 10 s.
 *
 * Baseline (same run): a plain WebSocket round trip on loopback — a frame of a bookTicker's size
 * sent by a `ws` client, echoed by a `ws` server in this process, timed from send to receipt.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { EventDraft, MarketEvent } from '@chassis/core';
import { FsStorage } from '@chassis/storage';
import { BinanceCredentials, createBinanceUsdmAdapter, openMarketInput, runSession, type MarketInput, type SessionWiring } from '@chassis/live';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from '../../test/binance-usdm-emulator/index.ts';
import type { BenchContext, BenchResult, BenchSection } from '../types.ts';

const NO_LIMIT = 1_000_000_000;

interface Sizes {
  readonly warmup: number;
  readonly samples: number;
  /** Replay speed of the capture: enough bbo events per second to collect the samples in time. */
  readonly speed: number;
  readonly timeoutMs: number;
}

function sizes(quick: boolean): Sizes {
  // The capture replays for about 345 s / speed, then the market stands still: the full run
  // replays at speed 2 (~170 s of market, ~280 bbo/s) to be sure of its 11,000 requests.
  return quick ? { warmup: 200, samples: 1_000, speed: 4, timeoutMs: 60_000 } : { warmup: 1_000, samples: 10_000, speed: 2, timeoutMs: 170_000 };
}

/** live.yaml for the bench: the strategy above; venue limits and the core's rate bucket raised so no request waits or is refused. */
function liveYaml(): string {
  const strategy = resolve(import.meta.dirname, '../live-tick-strategy.ts');
  const weights = '{ new: 1, replace: 1, cancel: 1 }';
  return [
    'venue: binance-usdm',
    'instruments: [BTCUSDT]',
    `strategy: { module: ${JSON.stringify(strategy)} }`,
    'reconciliation: { intervalMs: 0 }',
    'balances: { USDT: "10000" }',
    'executionControl:',
    `  limits: [{ name: bench, limit: ${NO_LIMIT}, windowMs: 10000, weights: ${weights} }]`,
    `  rateBucket: { capacity: ${NO_LIMIT}, refillTokens: ${NO_LIMIT}, refillIntervalMs: 1000, weights: ${weights} }`,
    '',
  ].join('\n');
}

interface Observed {
  readonly latenciesNs: number[];
  /** Per sample: this process's CPU time (user + system, µs) from the session's sink to the request. */
  readonly sessionCpuUs: number[];
  deferred: number;
  refused: number;
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** The session's wiring: the real adapter and market input, with the two observation points. */
function benchWiring(emu: BinanceUsdmEmulator, dataRoot: string, seen: Observed): SessionWiring {
  let frameTsLocalNs: bigint | null = null;
  let frameCpuUs = 0;
  let nowNs: () => bigint = () => 0n;
  return {
    adapter: (c) => {
      nowNs = () => c.clock.nowNs();
      const adapter = createBinanceUsdmAdapter({
        sessionId: c.sessionId,
        instruments: c.instruments,
        restBaseUrl: emu.restBaseUrl,
        wsBaseUrl: emu.userStreamBaseUrl,
        credentials: new BinanceCredentials(emu.apiKey, emu.apiSecret),
        auditIntervalMs: 0,
        log: c.log,
        onRequest: (method, path) => {
          if (path !== '/fapi/v1/order' || (method !== 'POST' && method !== 'PUT')) return;
          if (frameTsLocalNs === null) seen.deferred++;
          else {
            seen.latenciesNs.push(Number(nowNs() - frameTsLocalNs));
            seen.sessionCpuUs.push(cpuUs() - frameCpuUs);
          }
        },
      });
      adapter.onAnswer((a) => {
        if (a.kind === 'order_rejected' || a.kind === 'cancel_replace_rejected') seen.refused++;
      });
      return Promise.resolve(adapter);
    },
    marketInput: async (c): Promise<MarketInput> => {
      const input = await openMarketInput({
        venue: 'binance-usdm',
        instruments: c.instruments,
        clock: c.clock,
        session: c.sessionId,
        endpoints: { wsBaseUrl: emu.wsBaseUrl, restBaseUrl: emu.market.restBaseUrl },
        recording: { storage: new FsStorage(dataRoot) },
        log: c.log,
      });
      return {
        start: (sink) =>
          input.start({
            market: (e: EventDraft<MarketEvent>) => {
              frameTsLocalNs = e.tsLocalNs;
              frameCpuUs = cpuUs();
              try {
                sink.market(e);
              } finally {
                frameTsLocalNs = null;
              }
            },
            feedHealth: (i, s, r) => sink.feedHealth(i, s, r),
          }),
        stop: (reason) => input.stop(reason),
      };
    },
  };
}

/** Runs a live session on the emulator until `warmup + samples` requests were observed. */
async function tickToRequest(s: Sizes): Promise<Observed & { elapsedMs: number }> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-bench-live-'));
  const yaml = join(dataRoot, 'live.yaml');
  writeFileSync(yaml, liveYaml());
  const emu = await startBinanceUsdmEmulator({ speed: s.speed, initialUsdt: '10000', rateLimits: { weightPerMinute: NO_LIMIT, ordersPer10s: NO_LIMIT, ordersPerMinute: NO_LIMIT } });
  const seen: Observed = { latenciesNs: [], sessionCpuUs: [], deferred: 0, refused: 0 };
  const t0 = performance.now();
  try {
    await runSession({
      mode: 'live',
      configPath: yaml,
      dataRoot,
      iUnderstandThisTradesRealMoney: true,
      env: { CHASSIS_BINANCE_API_KEY: emu.apiKey, CHASSIS_BINANCE_API_SECRET: emu.apiSecret },
      wiring: benchWiring(emu, dataRoot, seen),
      codeVersion: 'bench',
      baseDirs: [dataRoot],
      stopSignal: (stop) => {
        const timer = setInterval(() => {
          if (seen.latenciesNs.length >= s.warmup + s.samples) stop('bench: enough samples');
          else if (performance.now() - t0 > s.timeoutMs) stop('bench: timeout');
        }, 50);
        return () => clearInterval(timer);
      },
    });
  } finally {
    await emu.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  }
  return { ...seen, elapsedMs: performance.now() - t0 };
}

/** Round trips of a `bytes`-long WebSocket text frame echoed over loopback, ns. */
async function echoRoundTrips(n: number, bytes: number): Promise<number[]> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise<void>((r, j) => client.once('open', () => r()).once('error', j));
  const frame = 'x'.repeat(bytes);
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await new Promise<void>((r) => {
        client.once('message', () => r());
        client.send(frame);
      });
      out.push(Number(process.hrtime.bigint() - t0));
    }
  } finally {
    client.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A percentile figure, in µs: its value and the baseline's are the same percentile of the same-run samples. */
function percentile(name: string, q: number, samplesUs: number[], baselineUs: number[] | null, inputs: string): BenchResult {
  const value = quantile([...samplesUs].sort((a, b) => a - b), q);
  const baseline = baselineUs === null ? null : quantile([...baselineUs].sort((a, b) => a - b), q);
  return { name, value, unit: 'µs', baseline, ratio: baseline === null ? null : value / baseline, samples: samplesUs, inputs };
}

/** A bookTicker frame of the capture is about this long (bytes): the baseline's frame size. */
const BOOK_TICKER_BYTES = 180;

export const liveTickToRequest: BenchSection = {
  name: 'live-tick-to-request',
  optIn: true,
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const s = sizes(ctx.quick);
    const seen = await tickToRequest(s);
    const measured = seen.latenciesNs.slice(s.warmup, s.warmup + s.samples).map((ns) => ns / 1000);
    if (measured.length < s.samples) throw new Error(`live-tick-to-request: only ${seen.latenciesNs.length} requests observed within ${s.timeoutMs} ms (wanted ${s.warmup} warm-up + ${s.samples})`);
    const echo = (await echoRoundTrips(s.warmup + s.samples, BOOK_TICKER_BYTES)).slice(s.warmup).map((ns) => ns / 1000);
    const inputs =
      `${measured.length} samples after ${s.warmup} warm-up: capture of a market frame → signed POST/PUT /fapi/v1/order handed to fetch, ` +
      `runSession live on the Binance USD-M emulator (BTCUSDT capture at speed ${s.speed}, journal + raw recording on), ` +
      `${seen.deferred} requests outside a frame not counted, ${seen.refused} refused, ${(seen.elapsedMs / 1000).toFixed(1)} s; ` +
      `baseline: ${echo.length} WebSocket echo round trips of ${BOOK_TICKER_BYTES} B on loopback`;
    const cpu = seen.sessionCpuUs.slice(s.warmup, s.warmup + s.samples);
    const cpuInputs = 'same samples: process CPU time (user + system, process.cpuUsage) from the session\'s market sink to the request handed to fetch — the work without the wait for a core; no baseline';
    return [
      percentile('live tick→request p50', 0.5, measured, echo, inputs),
      percentile('live tick→request p99', 0.99, measured, echo, inputs),
      percentile('live session CPU p50', 0.5, cpu, null, cpuInputs),
      percentile('live session CPU p99', 0.99, cpu, null, cpuInputs),
    ];
  },
};
