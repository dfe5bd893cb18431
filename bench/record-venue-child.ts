/**
 * Child process of the record benchmark: a minimal loopback venue that streams the record feed
 * (bench/record-feed.ts) to every WebSocket client at full speed — as fast as the socket takes
 * it, never dropping (it waits for the kernel buffer when 4 MiB are queued) — or paced at the
 * rate last set with `GET /bench/rate/<messages per second>` (0 = full speed), and answers any
 * REST depth request with the capture's snapshot. Paths and query strings are ignored (the
 * client subscribes to exactly the capture's streams); a SUBSCRIBE message gets Binance's
 * `{"result":null,"id":…}`. In its own process so serving costs no time on the recorder's event
 * loop. Prints `{"port":N,"messages":M,"bytes":B}` once listening.
 * `node --import tsx bench/record-venue-child.ts <passes>`
 *
 * `… record-venue-child.ts venue-server` runs instead the test tree's venue server
 * (test/venue-server: Binance USD-M routes, REST depth computed from the served book, pings),
 * replaying the capture once as fast as the socket drains (`speed: 'max'`) from the first
 * subscription; `GET /__venue/served` lists what it sent.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { startVenueServer } from '../test/venue-server/index.ts';
import { loadRecordFeed } from './record-feed.ts';

if (process.argv[2] === 'venue-server') {
  const server = await startVenueServer({ venue: 'binance-usdm', speed: 'max' });
  process.stdout.write(`${JSON.stringify({ port: server.port, messages: server.timelineLength, bytes: 0 })}\n`);
} else {
  await serveFeed(Number(process.argv[2] ?? '1'));
}

async function serveFeed(passes: number): Promise<void> {
  const feed = await loadRecordFeed(passes);
  const QUEUED_LIMIT_BYTES = 4 * 1024 * 1024;
  /** Messages per second for new connections; 0 = as fast as the socket takes them. */
  let paceMsgsPerSecond = 0;

  const http = createServer((req, res) => {
    const pace = /^\/bench\/rate\/(\d+)$/.exec(req.url ?? '');
    if (pace !== null) {
      paceMsgsPerSecond = Number(pace[1]);
      res.writeHead(204).end();
    } else if ((req.url ?? '').includes('depth')) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': '20' });
      res.end(feed.snapshot);
    } else {
      res.writeHead(404).end();
    }
  });

  const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  async function stream(ws: WebSocket, msgsPerSecond: number): Promise<void> {
    const t0 = performance.now();
    for (let i = 0; i < feed.messages.length; i++) {
      if (ws.readyState !== WebSocket.OPEN) return;
      // Paced: never ahead of the schedule; behind it (a slow tick), catch up at full speed.
      while (msgsPerSecond > 0 && i >= ((performance.now() - t0) / 1000) * msgsPerSecond) await tick(5);
      const text = feed.messages[i]!;
      if (ws.bufferedAmount < QUEUED_LIMIT_BYTES) ws.send(text);
      else await new Promise<void>((resolve) => ws.send(text, () => resolve()));
    }
  }

  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const id = /"id":\s*(\d+)/.exec(data.toString())?.[1];
      if (id !== undefined) ws.send(`{"result":null,"id":${id}}`);
    });
    void stream(ws, paceMsgsPerSecond);
  });

  http.listen(0, '127.0.0.1', () => {
    const { port } = http.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ port, messages: feed.messages.length, bytes: feed.bytes })}\n`);
  });
}
