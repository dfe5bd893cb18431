/**
 * Test fixtures of the recording writer (imported by its tests only): real venue frames from the
 * bundled Binance USD-M capture, a clock the test moves, and a log and metrics that remember.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { CaptureClock, CapturedFrame, ConnectionEventType } from '@chassis/venues';
import { hftbacktestDir } from '../../../examples/data/index.ts';
import type { RecordingLog } from './recording-log.ts';
import type { RecordingMetrics } from './recording-metrics.ts';

export const USDM_CAPTURE = `${hftbacktestDir}/usdm_btcusdt_20240808.gz`;

let lines: string[] | null = null;

/** The capture's `<ns> <json>` lines (93,954, 23:54:15–23:59:59 UTC on 2024-08-08). */
export function usdmLines(): readonly string[] {
  lines ??= gunzipSync(readFileSync(USDM_CAPTURE)).toString('utf8').split('\n').filter((l) => l.length > 0);
  return lines;
}

/** A capture line as the connector would hand it over: the REST depth snapshot as a rest frame. */
export function frameOf(line: string, connectionId = 's1-c1'): CapturedFrame {
  const sp = line.indexOf(' ');
  const text = line.slice(sp + 1);
  const tsCaptureNs = BigInt(line.slice(0, sp));
  if (text.startsWith('{"lastUpdateId"')) {
    return { source: 'rest', tsCaptureNs, connectionId, text, url: 'https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000', instrument: 'BTCUSDT' };
  }
  return { source: 'ws', tsCaptureNs, connectionId, text };
}

export function realFrames(from: number, count: number): CapturedFrame[] {
  return usdmLines().slice(from, from + count).map((l) => frameOf(l));
}

export class ManualClock implements CaptureClock {
  constructor(public ns: bigint) {}
  nowNs(): bigint {
    return this.ns;
  }
}

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

export function memoryLog(): RecordingLog & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}

export interface MetricsCalls {
  frames: number;
  bytes: number;
  lags: number[];
  events: ConnectionEventType[];
  fills: number[];
  dropped: number;
  diskFree: number[];
}

export function metricsSpy(): RecordingMetrics & { calls: MetricsCalls } {
  const calls: MetricsCalls = { frames: 0, bytes: 0, lags: [], events: [], fills: [], dropped: 0, diskFree: [] };
  return {
    calls,
    frame: (_v, _f, bytes, lagMs) => {
      calls.frames++;
      calls.bytes += bytes;
      if (lagMs !== null) calls.lags.push(lagMs);
    },
    connectionEvent: (_v, _f, type) => calls.events.push(type),
    bufferFill: (_v, _f, ratio) => calls.fills.push(ratio),
    diskFreeBytes: (bytes) => calls.diskFree.push(bytes),
    dropped: (_v, _f, n) => (calls.dropped += n),
  };
}
