/**
 * A local venue on loopback (real WebSocket via `ws` + node:http, ephemeral port) that replays a
 * real capture in one venue's own protocol. One server = one venue: its WebSocket and REST base
 * URL are both `http(s)→ws://127.0.0.1:PORT`, which is what `--endpoint` / `--rest-endpoint`
 * give a recorder (paths stay the venue's own).
 *
 * Control API (same port, a prefix no venue uses) for out-of-process users such as the bench:
 *   GET  /__venue/state                 venue, published/total entries, connections, REST log
 *   GET  /__venue/served                every frame served so far (JSON array)
 *   POST /__venue/drill                 {"drill":{..},"target":"all"|"next"|"every"|{"connectionId":..}}
 *   POST /__venue/pause | /__venue/resume | /__venue/step?n=N
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isConnectionDrill, VenueDrillState, type ConnectionDrill, type Drill, type DrillTarget } from './drills.ts';
import { Replay, type ReplaySpeed } from './replay.ts';
import { VenueConnection, type ServedFrame } from './venue-connection.ts';
import type { HttpAnswer, RestExchange, VenueHost, VenueName, VenueProtocol } from './venue-protocol.ts';

export type ReplayStart = 'first-subscription' | 'listen' | 'manual';

export interface VenueServerCore {
  readonly venue: VenueName;
  /** When the replay starts: at the first client subscription (default), at listen, or only by start(). */
  readonly start?: ReplayStart;
  readonly speed: ReplaySpeed;
  /** Keep a log of every frame served (default true; the bench turns it off). */
  readonly recordServed?: boolean;
  /** Drills applied to every connection from the start (e.g. a shortened 24 h rule). */
  readonly standingDrills?: readonly ConnectionDrill[];
  readonly port?: number;
  readonly nowMs?: () => number;
}

export class VenueServer {
  readonly served: ServedFrame[] = [];
  readonly restLog: RestExchange[] = [];
  readonly drills = new VenueDrillState();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<string, VenueConnection>();
  private readonly topics = new Map<string, Set<VenueConnection>>();
  private readonly standing: ConnectionDrill[];
  private readonly nextDrills: ConnectionDrill[] = [];
  private readonly sockets = new Set<Duplex>();
  private replay!: Replay;
  private protocol!: VenueProtocol;
  private connectionCount = 0;
  private resolveEnd!: () => void;
  /** Resolves when the last timeline entry has been published. */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnd = resolve));
  port = 0;

  constructor(private readonly core: VenueServerCore) {
    this.standing = [...(core.standingDrills ?? [])];
    this.http = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.http.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  /** The host interface handed to the protocol. */
  readonly host: VenueHost = {
    drills: this.drills,
    subscribers: (topic) => this.topics.get(topic) ?? EMPTY,
    subscribe: (conn, topic) => {
      conn.topics.add(topic);
      let set = this.topics.get(topic);
      if (set === undefined) this.topics.set(topic, (set = new Set()));
      set.add(conn);
    },
    unsubscribe: (conn, topic) => {
      conn.topics.delete(topic);
      this.topics.get(topic)?.delete(conn);
    },
    published: () => this.replay.published,
    onFirstSubscription: () => {
      if ((this.core.start ?? 'first-subscription') === 'first-subscription') this.replay.start();
    },
    nowMs: () => (this.core.nowMs ?? Date.now)(),
  };

  /** Binds the protocol (built with this.host) and listens on 127.0.0.1. */
  async listen(protocol: VenueProtocol): Promise<this> {
    this.protocol = protocol;
    this.replay = new Replay(protocol.timeline, {
      speed: this.core.speed,
      publish: (entry) => protocol.publish(entry),
      backlogBytes: () => this.maxBacklogBytes(),
      onEnd: () => this.resolveEnd(),
    });
    if (protocol.timeline.length === 0) this.resolveEnd();
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.core.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as { port: number }).port;
    if (this.core.start === 'listen') this.replay.start();
    return this;
  }

  get venue(): VenueName {
    return this.core.venue;
  }

  /** Base URLs for `--endpoint` and `--rest-endpoint` (scheme, host, port only). */
  get wsBaseUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get restBaseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get timelineLength(): number {
    return this.protocol.timeline.length;
  }

  get published(): number {
    return this.replay.published;
  }

  openConnections(): VenueConnection[] {
    return [...this.connections.values()].filter((c) => c.isOpen);
  }

  allConnections(): VenueConnection[] {
    return [...this.connections.values()];
  }

  startReplay(): void {
    this.replay.start();
  }

  pause(): void {
    this.replay.pause();
  }

  resume(): void {
    this.replay.resume();
  }

  /** Publishes the next n entries now; returns how many were published. */
  step(n: number): number {
    return this.replay.step(n);
  }

  /** Arms a drill: connection drills on the target connections, venue drills on the venue. */
  drill(drill: Drill, target: DrillTarget = 'all'): void {
    if (!isConnectionDrill(drill)) {
      this.drills.arm(drill);
      return;
    }
    if (target === 'next') this.nextDrills.push(drill);
    else if (target === 'every') {
      this.standing.push(drill);
      for (const c of this.openConnections()) c.arm(drill);
    } else if (target === 'all') for (const c of this.openConnections()) c.arm(drill);
    else {
      const c = this.connections.get(target.connectionId);
      if (c === undefined) throw new Error(`no connection ${target.connectionId} on the ${this.venue} venue server`);
      c.arm(drill);
    }
  }

  /** Disarms standing, next-connection and venue drills (armed connection drills stay). */
  clearDrills(): void {
    this.standing.length = 0;
    this.nextDrills.length = 0;
    this.drills.clear();
  }

  /** Frames served to data connections, by kind, in order (the test's expectation of the recording). */
  servedFrames(kind?: ServedFrame['kind']): ServedFrame[] {
    return kind === undefined ? this.served : this.served.filter((f) => f.kind === kind);
  }

  private maxBacklogBytes(): number {
    let max = 0;
    for (const c of this.connections.values()) if (c.isOpen) max = Math.max(max, c.bufferedBytes);
    return max;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!this.protocol.acceptsWebSocket(url)) {
      refuseUpgrade(socket, 404, {}, 'Not Found');
      return;
    }
    const retryAfterS = this.drills.takeRateLimit('ws-upgrade');
    if (retryAfterS !== null) {
      refuseUpgrade(socket, 429, { 'Retry-After': String(retryAfterS) }, 'Too Many Requests');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const id = `${this.venue}-${++this.connectionCount}`;
    const conn = new VenueConnection(id, ws, url, this.core.recordServed === false ? null : this.served);
    this.connections.set(id, conn);
    for (const d of this.standing) conn.arm(d);
    for (const d of this.nextDrills.splice(0)) conn.arm(d);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.protocol.message(conn, data.toString('utf8'));
    });
    ws.on('error', () => conn.terminate());
    ws.once('close', () => {
      for (const t of conn.topics) this.topics.get(t)?.delete(conn);
    });
    this.protocol.open(conn);
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/__venue/')) {
      void this.control(req, url).then((a) => respond(res, a));
      return;
    }
    const answer = this.protocol.rest(req, url) ?? { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    if ((answer.delayMs ?? 0) > 0) setTimeout(() => respond(res, answer), answer.delayMs);
    else respond(res, answer);
  }

  private async control(req: IncomingMessage, url: URL): Promise<HttpAnswer> {
    const json = (body: unknown, status = 200): HttpAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const path = url.pathname.slice('/__venue/'.length);
    if (req.method === 'GET' && path === 'state') return json(this.state());
    if (req.method === 'GET' && path === 'served') return json(this.served);
    if (req.method !== 'POST') return json({ error: `unknown control ${req.method} ${url.pathname}` }, 404);
    if (path === 'pause') this.pause();
    else if (path === 'resume') this.resume();
    else if (path === 'start') this.startReplay();
    else if (path === 'step') return json({ published: this.step(Number(url.searchParams.get('n') ?? '1')) });
    else if (path === 'drill') {
      try {
        const body = JSON.parse(await readBody(req)) as { drill: Drill; target?: DrillTarget };
        this.drill(body.drill, body.target ?? 'all');
      } catch (err) {
        return json({ error: (err as Error).message }, 400);
      }
    } else return json({ error: `unknown control POST ${url.pathname}` }, 404);
    return json(this.state());
  }

  state(): object {
    return {
      venue: this.venue,
      published: this.replay.published,
      total: this.protocol.timeline.length,
      ended: this.replay.finished,
      connections: this.allConnections().map((c) => ({ id: c.id, path: `${c.url.pathname}${c.url.search}`, open: c.isOpen, topics: [...c.topics] })),
      served: this.served.length,
      rest: this.restLog,
    };
  }

  /** Stops the replay, closes every connection (abruptly) and the listener. */
  async close(): Promise<void> {
    this.replay?.stop();
    this.protocol?.close();
    for (const c of this.connections.values()) c.terminate();
    for (const s of this.sockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

const EMPTY: ReadonlySet<VenueConnection> = new Set();

function respond(res: ServerResponse, a: HttpAnswer): void {
  if (res.destroyed) return;
  res.writeHead(a.status, a.headers);
  res.end(a.body);
}

function refuseUpgrade(socket: Duplex, status: number, headers: Record<string, string>, text: string): void {
  const lines = [`HTTP/1.1 ${status} ${text}`, 'Connection: close', 'Content-Length: 0', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${lines.join('\r\n')}\r\n\r\n`);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
