// `chassis record` end to end, as a user runs it: the real process (bin/chassis.js) records from
// a loopback Binance USD-M server that serves real captured frames (the bundled hftbacktest
// capture) and the REST snapshot captured with them; SIGINT closes the window with a partial
// manifest, `chassis quality run` promotes it, `chassis record status` shows it. The full
// replaying venue server and the failure drills are in test/venue-server.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { freePort } from '../../../../test/loopback-port.ts';
import { runChassis, startChassis, type ChassisRun } from '../../../../test/chassis-process.ts';
import { startVenueServer } from '../../../../test/venue-server/index.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const capture = join(repo, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');

/** The capture's first lines: ws frames (`{"stream":…}`) and, at line 55, the REST snapshot it took. */
function captureLines(count: number): { frames: string[]; snapshot: string; snapshotAt: number } {
  const lines = gunzipSync(readFileSync(capture)).toString('utf8').split('\n').slice(0, count);
  const texts = lines.map((l) => l.slice(l.indexOf(' ') + 1));
  const snapshotAt = texts.findIndex((t) => t.startsWith('{"lastUpdateId"'));
  return { frames: texts.filter((_, i) => i !== snapshotAt), snapshot: texts[snapshotAt]!, snapshotAt };
}

/** Stream names a connection asked for: `?streams=a/b` on a combined-stream URL, or SUBSCRIBE params. */
function streamsOfUrl(url: string): string[] {
  const q = new URL(url, 'http://x').searchParams.get('streams');
  return q ? q.split('/') : [];
}

interface LoopbackVenue {
  readonly port: number;
  /** Every text frame sent, in order. */
  readonly sent: string[];
  readonly restRequests: string[];
  /** Resolves when every frame was sent. */
  readonly finished: Promise<void>;
  close(): Promise<void>;
}

/**
 * A minimal Binance USD-M: WebSocket combined streams on any path (`/public/stream?streams=…`,
 * `/market/stream?streams=…`) or SUBSCRIBE, and `GET /fapi/v1/depth` answering the captured
 * snapshot. Frames go out in capture order; those captured after the snapshot wait until the
 * snapshot was asked for, as they would at a venue that is ahead of a late REST answer.
 */
async function startLoopbackVenue(frames: readonly string[], snapshot: string, snapshotAt: number): Promise<LoopbackVenue> {
  const port = await freePort();
  const sent: string[] = [];
  const restRequests: string[] = [];
  const subscribers = new Map<WebSocket, Set<string>>();
  let snapshotServed!: () => void;
  const snapshotAsked = new Promise<void>((r) => (snapshotServed = r));
  const http: Server = createServer((req, res) => {
    restRequests.push(req.url ?? '');
    if (req.url?.startsWith('/fapi/v1/depth')) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': '20' });
      res.end(snapshot);
      snapshotServed();
    } else {
      res.writeHead(404).end();
    }
  });
  const wss = new WebSocketServer({ server: http });
  const wanted = new Set(frames.map((f) => (JSON.parse(f) as { stream: string }).stream));
  let allSubscribed!: () => void;
  const subscribed = new Promise<void>((r) => (allSubscribed = r));
  const checkSubscribed = () => {
    const have = new Set([...subscribers.values()].flatMap((s) => [...s]));
    if ([...wanted].every((s) => have.has(s))) allSubscribed();
  };
  wss.on('connection', (socket, req) => {
    subscribers.set(socket, new Set(streamsOfUrl(req.url ?? '')));
    checkSubscribed();
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { method?: string; params?: string[]; id?: number };
      if (msg.method === 'SUBSCRIBE') {
        for (const s of msg.params ?? []) subscribers.get(socket)!.add(s);
        socket.send(JSON.stringify({ result: null, id: msg.id }));
        checkSubscribed();
      }
    });
    socket.on('close', () => subscribers.delete(socket));
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const finished = (async () => {
    await subscribed;
    for (let i = 0; i < frames.length; i++) {
      if (i === snapshotAt) await snapshotAsked;
      const stream = (JSON.parse(frames[i]!) as { stream: string }).stream;
      for (const [socket, streams] of subscribers) {
        if (streams.has(stream)) {
          socket.send(frames[i]!);
          sent.push(frames[i]!);
        }
      }
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    port,
    sent,
    restRequests,
    finished,
    close: async () => {
      for (const s of subscribers.keys()) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

const run = runChassis;

/** Every key under a directory, relative to it. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

describe('chassis record against a loopback Binance USD-M', () => {
  const data = mkdtempSync(join(tmpdir(), 'chassis-record-'));
  const { frames, snapshot, snapshotAt } = captureLines(400);
  let venue: LoopbackVenue;
  let recorded: ChassisRun;
  let statusWhileRecording: ChassisRun;
  let readyz: unknown;
  let metrics: string;
  let recorderPid: number;
  /** Window directories, oldest first: one, or two when the run crossed an hour boundary. */
  let windowDirs: string[];

  beforeAll(async () => {
    venue = await startLoopbackVenue(frames, snapshot, snapshotAt);
    const metricsPort = await freePort();
    const rec = startChassis(['record', '--venue', 'binance-usdm', '--symbols', 'BTCUSDT', '--channels', 'depth,trade,bbo', '--data', data, '--endpoint', `ws://127.0.0.1:${venue.port}`, '--rest-endpoint', `http://127.0.0.1:${venue.port}`, '--window', '1h', '--flush-interval-ms', '200', '--metrics-port', String(metricsPort)]);
    await venue.finished;
    // One flush interval later everything sent is in the buffer's next flush; SIGINT flushes the rest anyway.
    await new Promise((r) => setTimeout(r, 500));
    readyz = await (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).json();
    metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    statusWhileRecording = await run(['record', 'status', '--data', data, '--json']);
    recorderPid = rec.child.pid!;
    rec.child.kill('SIGINT');
    recorded = await rec.done;
    const feedDir = join(data, 'raw/binance-usdm/depth+trade+bbo');
    windowDirs = readdirSync(feedDir).sort().map((w) => join(feedDir, w));
  }, 90_000);

  afterAll(async () => {
    await venue?.close();
  });

  it('exits 0 on SIGINT and logs the connection events as JSON lines on stderr', () => {
    expect(recorded.code, recorded.err).toBe(0);
    const events = recorded.err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event?: string; level: number });
    expect(events.some((e) => e.event === 'open')).toBe(true);
    expect(events.some((e) => e.event === 'snapshot-received')).toBe(true);
  });

  it('chassis record status shows the window open while recording, its recorder alive, with its pid', () => {
    expect(statusWhileRecording.code, statusWhileRecording.err).toBe(0);
    const open = (JSON.parse(statusWhileRecording.out) as { state: string; liveness: string; pid: number; messages: number; heartbeatAgeNs: string }[]).filter((w) => w.state === 'open');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((w) => w.liveness === 'alive' && w.pid === recorderPid && BigInt(w.heartbeatAgeNs) < 15_000_000_000n)).toBe(true);
  });

  it('serves /readyz (ready: the feed is connected) and /metrics while recording', () => {
    expect(readyz).toEqual({ ready: true, checks: [{ name: 'feeds_connected', ok: true, detail: '' }] });
    expect(metrics).toMatch(/^process_cpu_seconds_total/m);
  });

  it("exports the recorder's metrics: every frame and the snapshot counted, the spool's free disk space", () => {
    const sample = (name: string) => metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('venue="binance-usdm"') && l.includes('feed="depth+trade+bbo"'));
    expect(Number(sample('chassis_record_messages_total')?.split(' ').at(-1))).toBe(venue.sent.length + 1);
    expect(Number(/^chassis_record_disk_free_bytes\{[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it('asked the REST endpoint for the snapshot on the venue path', () => {
    expect(venue.restRequests.some((u) => u.startsWith('/fapi/v1/depth?') && u.includes('symbol=BTCUSDT'))).toBe(true);
  });

  it('publishes a manifest per window, the last one partial, whose files have the listed sizes, hashes and message counts', () => {
    let lines = 0;
    for (const dir of windowDirs) {
      expect(existsSync(join(dir, 'open.json'))).toBe(false);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { completeness: string; files: { key: string; sha256: string; bytes: number; messages: number }[]; messages: number };
      let inWindow = 0;
      for (const f of manifest.files) {
        const bytes = readFileSync(join(data, f.key));
        expect([bytes.length, createHash('sha256').update(bytes).digest('hex')]).toEqual([f.bytes, f.sha256]);
        const n = gunzipSync(bytes).toString('utf8').split('\n').filter((l) => l.length > 0).length;
        expect(n).toBe(f.messages);
        inWindow += n;
      }
      expect(manifest.messages).toBe(inWindow);
      lines += inWindow;
    }
    const last = JSON.parse(readFileSync(join(windowDirs.at(-1)!, 'manifest.json'), 'utf8')) as { completeness: string };
    expect(last.completeness).toBe('partial');
    // every frame sent, plus the REST snapshot
    expect(lines).toBe(venue.sent.length + 1);
  });

  /** The raw lines of every window, in recording order. */
  const rawLines = (): string[] =>
    windowDirs.flatMap((dir) =>
      walk(dir)
        .filter((k) => k.endsWith('.jsonl.gz'))
        .sort()
        .flatMap((k) =>
          gunzipSync(readFileSync(join(dir, k)))
            .toString('utf8')
            .split('\n')
            .filter((l) => l.length > 0),
        ),
    );

  it('stores every frame the venue sent exactly once, byte for byte, and the snapshot flagged as a REST response', () => {
    const lines = rawLines();
    const raw = lines.join('\n');
    const count = (needle: string) => raw.split(needle).length - 1;
    const wrong = venue.sent.filter((t) => count(`"message":${t}}`) !== 1);
    expect(wrong).toEqual([]);
    const rest = lines.filter((l) => l.includes('"url":'));
    expect(rest).toHaveLength(1);
    expect(rest[0]).toContain(snapshot);
  });

  it('stamps capture times that never go backwards', () => {
    const ts = rawLines().map((l) => BigInt((JSON.parse(l) as { tsLocalNs: string }).tsLocalNs));
    expect(ts.length).toBe(venue.sent.length + 1);
    expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
  });

  it('chassis quality run promotes the window and chassis record status shows it closed and promoted', async () => {
    const q = await run(['quality', 'run', '--data', data]);
    expect(q.code, q.err).toBe(0);
    expect(q.out).toContain('raw/binance-usdm/depth+trade+bbo/');
    expect(q.out).toMatch(/PROMOTED/);
    const s = await run(['record', 'status', '--data', data, '--json']);
    expect(s.code, s.err).toBe(0);
    const windows = JSON.parse(s.out) as { state: string; completeness: string; messages: number; promotion: Record<string, number> }[];
    expect(windows.map((w) => w.state)).toEqual(windowDirs.map(() => 'closed'));
    expect(windows[0]!.completeness).toBe('partial'); // newest first: the window SIGINT closed
    expect(windows.reduce((n, w) => n + w.messages, 0)).toBe(venue.sent.length + 1);
    expect(windows.every((w) => (w.promotion.promoted ?? 0) > 0)).toBe(true);
    const text = await run(['record', 'status', '--data', data]);
    expect(text.out).toMatch(new RegExp(`^binance-usdm/depth\\+trade\\+bbo: 0 open, ${windowDirs.length} closed \\(0 awaiting chassis quality run\\)`));
  });
});

describe('chassis record --config with three venues in one process', () => {
  it('records Binance USD-M, OKX and Bybit from their venue servers, stops on SIGTERM, and the gate promotes every feed', async () => {
    const data = mkdtempSync(join(tmpdir(), 'chassis-record-config-'));
    const feeds = [
      { venue: 'binance-usdm', symbols: ['BTCUSDT'], server: { speed: 20, maxSpanS: 10 } },
      { venue: 'okx', symbols: ['BTC-USDT'], server: { speed: 4, maxSpanS: 10 } },
      { venue: 'bybit-linear', symbols: ['BTCUSDT'], server: { speed: 20, maxSpanS: 10 } },
    ] as const;
    const servers = await Promise.all(feeds.map((f) => startVenueServer({ venue: f.venue, ...f.server })));
    try {
      const config = join(data, 'recorder.yaml');
      writeFileSync(
        config,
        [
          `data: ${data}`,
          'window: 1h',
          'flushIntervalMs: 200',
          'feeds:',
          ...feeds.flatMap((f, i) => [`  - venue: ${f.venue}`, `    symbols: [${f.symbols.join(', ')}]`, '    channels: [depth, trade, bbo]', `    endpoint: ${servers[i]!.wsBaseUrl}`, `    restEndpoint: ${servers[i]!.restBaseUrl}`]),
        ].join('\n'),
      );
      const rec = startChassis(['record', '--config', config]);
      await Promise.all(servers.map((s) => s.ended));
      await new Promise((r) => setTimeout(r, 500));
      rec.child.kill('SIGTERM');
      const stopped = await rec.done;
      expect(stopped.code, stopped.err).toBe(0);
      for (const [i, f] of feeds.entries()) {
        const feedDir = join(data, 'raw', f.venue, 'depth+trade+bbo');
        const manifests = readdirSync(feedDir).map((w) => JSON.parse(readFileSync(join(feedDir, w, 'manifest.json'), 'utf8')) as { messages: number; completeness: string });
        const restAnswers = servers[i]!.restLog.filter((x) => x.body !== undefined).length;
        // every text frame the venue sent (data, subscribe acks, pongs) and every REST answer
        expect(manifests.reduce((n, m) => n + m.messages, 0), f.venue).toBe(servers[i]!.servedFrames().length + restAnswers);
      }
      const q = await run(['quality', 'run', '--data', data]);
      expect(q.code, q.err).toBe(0);
      const s = await run(['record', 'status', '--data', data, '--json']);
      const windows = JSON.parse(s.out) as { venue: string; state: string; promotion: Record<string, number> | null }[];
      expect([...new Set(windows.map((w) => w.venue))]).toEqual(['binance-usdm', 'bybit-linear', 'okx']);
      expect(windows.filter((w) => w.state !== 'closed' || (w.promotion?.promoted ?? 0) === 0)).toEqual([]);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  }, 180_000);
});

describe('chassis record when its writer fails', () => {
  it('stops, prints the writer error as E_CODE: message without a stack trace, and exits non-zero', async () => {
    const data = mkdtempSync(join(tmpdir(), 'chassis-record-fail-'));
    // The feed's directory is a file: creating the window directory under it fails (ENOTDIR), as a dead disk would.
    mkdirSync(join(data, 'raw/binance-usdm'), { recursive: true });
    writeFileSync(join(data, 'raw/binance-usdm/trade'), 'not a directory');
    const { frames, snapshot } = captureLines(100);
    const venue = await startLoopbackVenue(frames.filter((f) => f.startsWith('{"stream":"btcusdt@trade"')), snapshot, -1);
    try {
      const r = await run(['record', '--venue', 'binance-usdm', '--symbols', 'BTCUSDT', '--channels', 'trade', '--data', data, '--endpoint', `ws://127.0.0.1:${venue.port}`, '--rest-endpoint', `http://127.0.0.1:${venue.port}`]);
      expect(r.code).toBe(1);
      const last = r.err.trimEnd().split('\n').at(-1)!;
      expect(last).toMatch(/^E_RECORD_WRITE: .*raw\/binance-usdm\/trade/);
      expect(r.err).not.toMatch(/^\s+at /m);
    } finally {
      await venue.close();
    }
  }, 60_000);
});

describe('chassis record on bad usage', () => {
  it('exits 2 naming the missing flags', async () => {
    const r = await run(['record', '--venue', 'okx', '--symbols', 'BTC-USDT']);
    expect([r.code, r.err]).toEqual([2, 'E_USAGE: give --venue, --symbols and --channels (one feed), or --config FILE (see chassis record --help)\n']);
  });

  it('exits 2 naming an unknown field of recorder.yaml and its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chassis-record-bad-'));
    const file = join(dir, 'recorder.yaml');
    writeFileSync(file, 'feeds:\n  - venue: okx\n    symbols: [BTC-USDT]\n    channels: [trade]\n    depth: 400\n');
    const r = await run(['record', '--config', file]);
    expect([r.code, r.err]).toEqual([2, `E_RECORDER_CONFIG: feeds.0: unknown field "depth" (in ${file})\n`]);
  });
});
