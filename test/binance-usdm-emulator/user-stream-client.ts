/** Test support: a user-data-stream WebSocket that keeps every event it receives, parsed. */
import WebSocket from 'ws';

export interface StreamRecorder {
  readonly events: Record<string, unknown>[];
  readonly ws: WebSocket;
  /** Resolves when an event satisfying `pred` has been received (or rejects after `timeoutMs`). */
  waitFor(pred: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): void;
}

export async function recordUserStream(userStreamBaseUrl: string, listenKey: string): Promise<StreamRecorder> {
  const ws = new WebSocket(`${userStreamBaseUrl}/ws/${listenKey}`);
  const events: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] =
    [];
  ws.on('message', (data: Buffer) => {
    const e = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    events.push(e);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.pred(e)) waiters.splice(i, 1)[0]!.resolve(e);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    events,
    ws,
    waitFor(pred, timeoutMs = 10_000) {
      const seen = events.find(pred);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching user-stream event within ${timeoutMs} ms (got ${events.length})`)),
          timeoutMs,
        );
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    close: () => ws.close(),
  };
}
