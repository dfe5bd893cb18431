/**
 * The record benchmark's baseline: the plainest program that makes a feed durable — a ws
 * client that appends each received message as a line to a file (one write stream, Node's own
 * buffering), then fsyncs it. No capture time, envelope, compression, buffer bound or manifest.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { WebSocket } from 'ws';

export interface CaptureRun {
  /** From the connect call to the fsync of the last message. */
  readonly elapsedMs: number;
  readonly messages: number;
}

/** Receives `expected` messages from `url` into `path` (appended lines) and fsyncs the file. */
export async function appendLinesFromSocket(url: string, expected: number, path: string): Promise<CaptureRun> {
  const out = createWriteStream(path, { flags: 'a' });
  const t0 = performance.now();
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let messages = 0;
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      out.write(`${data.toString('utf8')}\n`);
      if (++messages === expected) {
        ws.close();
        resolve();
      }
    });
    ws.on('error', reject);
    ws.on('close', () => {
      if (messages < expected) reject(new Error(`baseline: connection closed after ${messages} of ${expected} messages`));
    });
  });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const file = await open(path, 'r+');
  await file.sync();
  await file.close();
  return { elapsedMs: performance.now() - t0, messages };
}
