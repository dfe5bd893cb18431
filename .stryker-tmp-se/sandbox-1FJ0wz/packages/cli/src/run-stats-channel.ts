/**
 * Live run statistics from a run child process to its worker, for monitoring. A worker that
 * serves /metrics listens on a local socket and names it in CHASSIS_RUN_STATS_SOCKET; its run
 * children (forked with that environment) connect and write one JSON line per ~250 ms of run
 * time (a RunStats snapshot with denials as an object). The channel is separate from the
 * RunProcess IPC so run requests and replies keep their one-message-each protocol. Observing
 * only: a lost or absent socket never affects a run.
 */
// @ts-nocheck

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { setImmediate as immediate } from 'node:timers/promises';
import type { RunStats } from '@chassis/backtesting';

export const RUN_STATS_SOCKET_ENV = 'CHASSIS_RUN_STATS_SOCKET';

/** One line on the channel: RunStats with the denial map as a plain object, and batch figures summed since the previous line. */
export type RunStatsMessage = Omit<RunStats, 'intentsDeniedByReason'> & { readonly intentsDeniedByReason: Readonly<Record<string, number>>; readonly final: boolean };

export interface RunStatsReporter {
  /** Pass as `BacktestOptions.onBatch`. */
  readonly onBatch: (stats: RunStats) => void | Promise<void>;
  /** Sends the last snapshot (marked final) and closes the connection. */
  close(): Promise<void>;
}

/** A reporter when this process was started by a monitoring worker, else undefined. */
export function runStatsReporter(intervalMs = 250, socketPath = process.env[RUN_STATS_SOCKET_ENV]): RunStatsReporter | undefined {
  if (!socketPath) return undefined;
  let socket: Socket | null = createConnection(socketPath);
  socket.on('error', () => {
    socket = null;
  });
  let last: RunStats | null = null;
  let batchEvents = 0;
  let batchSeconds = 0;
  let lastSentMs = 0;
  const send = (s: RunStats, final: boolean): void => {
    const msg: RunStatsMessage = { ...s, batchEvents, batchSeconds, intentsDeniedByReason: Object.fromEntries(s.intentsDeniedByReason), final };
    batchEvents = 0;
    batchSeconds = 0;
    lastSentMs = performance.now();
    socket?.write(`${JSON.stringify(msg)}\n`);
  };
  return {
    onBatch(s) {
      last = s;
      batchEvents += s.batchEvents;
      batchSeconds += s.batchSeconds;
      if (lastSentMs !== 0 && performance.now() - lastSentMs < intervalMs) return undefined;
      send(s, false);
      // Let the socket write go out while the run is CPU-bound.
      return immediate().then(() => undefined);
    },
    async close() {
      if (last) send(last, true);
      const s = socket;
      socket = null;
      if (s) await new Promise<void>((resolve) => s.end(() => resolve()));
    },
  };
}

export interface RunStatsListener {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Listens on `socketPath` (a Unix socket path) and calls `onMessage` for every line a run child writes. */
export async function listenForRunStats(socketPath: string, onMessage: (m: RunStatsMessage) => void): Promise<RunStatsListener> {
  rmSync(socketPath, { force: true });
  const server: Server = createServer((conn) => {
    let buffered = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          onMessage(JSON.parse(line) as RunStatsMessage);
        } catch {
          // A garbled line loses one snapshot, never the worker.
        }
        nl = buffered.indexOf('\n');
      }
    });
    conn.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      }),
  };
}
