/**
 * Child process of the record benchmark: a minimal loopback venue that streams the record feed
 * (bench/record-feed.ts) to every WebSocket client at full speed — as fast as the socket takes
 * it, never dropping (it waits for the kernel buffer when 4 MiB are queued) — and answers any
 * REST depth request with the capture's snapshot. Paths and query strings are ignored (the
 * client subscribes to exactly the capture's streams); a SUBSCRIBE message gets Binance's
 * `{"result":null,"id":…}`. In its own process so serving costs no time on the recorder's event
 * loop. Prints `{"port":N,"messages":M,"bytes":B}` once listening.
 * `node --import tsx bench/record-venue-child.ts <passes>`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { loadRecordFeed } from './record-feed.ts';

const passes = Number(process.argv[2] ?? '1');
const feed = await loadRecordFeed(passes);
const QUEUED_LIMIT_BYTES = 4 * 1024 * 1024;

const http = createServer((req, res) => {
  if ((req.url ?? '').includes('depth')) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': '20' });
    res.end(feed.snapshot);
  } else {
    res.writeHead(404).end();
  }
});

async function stream(ws: WebSocket): Promise<void> {
  for (const text of feed.messages) {
    if (ws.readyState !== WebSocket.OPEN) return;
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
  void stream(ws);
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port, messages: feed.messages.length, bytes: feed.bytes })}\n`);
});
