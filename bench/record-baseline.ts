/**
 * The record benchmark's baselines: the plainest program that makes a feed durable — a ws
 * client that appends each received message as a line to a file (one write stream, Node's own
 * buffering), then fsyncs it; no capture time, envelope, compression, buffer bound or manifest —
 * and a client that only counts, the ceiling of this venue, socket and machine.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { WebSocket } from 'ws';

export interface CaptureRun {
  /** From the connect call to the last message (receive-only) or to the fsync after it. */
  readonly elapsedMs: number;
  /** CPU time of this process (all its threads: zlib and fs work included) over the same span. */
  readonly cpuMs: number;
  readonly messages: number;
}

/** Connects and hands each message to `onMessage` until `expected` arrived; an earlier close is an error. */
function receive(url: string, expected: number, onMessage: (data: Buffer) => void): Promise<void> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let messages = 0;
  return new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      onMessage(data);
      if (++messages === expected) {
        ws.close();
        resolve();
      }
    });
    ws.on('error', reject);
    ws.on('close', () => {
      if (messages < expected) reject(new Error(`${url}: connection closed after ${messages} of ${expected} messages`));
    });
  });
}

/** Receives `expected` messages from `url` and only counts them. */
export async function receiveOnly(url: string, expected: number): Promise<CaptureRun> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await receive(url, expected, () => {});
  return captureRunSince(t0, cpu0, expected);
}

/** The run that started at performance.now() = t0 and process.cpuUsage() = cpu0 ends now. */
export function captureRunSince(t0: number, cpu0: NodeJS.CpuUsage, messages: number): CaptureRun {
  const cpu = process.cpuUsage(cpu0);
  return { elapsedMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, messages };
}

/** Receives `expected` messages from `url` into `path` (appended lines) and fsyncs the file. */
export async function appendLinesFromSocket(url: string, expected: number, path: string): Promise<CaptureRun> {
  const out = createWriteStream(path, { flags: 'a' });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await receive(url, expected, (data) => out.write(`${data.toString('utf8')}\n`));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const file = await open(path, 'r+');
  await file.sync();
  await file.close();
  return captureRunSince(t0, cpu0, expected);
}
