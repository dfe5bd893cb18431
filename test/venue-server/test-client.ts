/**
 * A minimal WebSocket client for the venue server's own tests: collects every text frame,
 * and waits for a condition with a deadline (so a broken server fails a test, never hangs it).
 */
import { WebSocket } from 'ws';

export interface TestClient {
  readonly ws: WebSocket;
  readonly frames: string[];
  /** Close code once closed (1006 = dropped without a close frame). */
  closeCode: number | null;
  send(text: string): void;
  close(): Promise<void>;
}

export function connect(url: string, options: { autoPong?: boolean } = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true, perMessageDeflate: false });
    const client: TestClient = {
      ws,
      frames: [],
      closeCode: null,
      send: (text) => ws.send(text),
      close: () =>
        new Promise((done) => {
          if (ws.readyState === ws.CLOSED) return done();
          ws.once('close', () => done());
          ws.terminate();
        }),
    };
    ws.on('message', (data: Buffer) => client.frames.push(data.toString('utf8')));
    ws.once('close', (code: number) => (client.closeCode = code));
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { statusCode: res.statusCode, headers: res.headers })));
    ws.once('error', reject);
  });
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
