/**
 * Starts the record benchmark's loopback venue (bench/record-venue-child.ts) in a child process
 * and returns its base URLs; stop() ends that child.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./record-venue-child.ts', import.meta.url));

export interface RecordVenue {
  /** ws://127.0.0.1:PORT (base only: the client adds the venue's path). */
  readonly wsBaseUrl: string;
  readonly restBaseUrl: string;
  /** Frames every connection receives, and their total UTF-8 bytes. */
  readonly messages: number;
  readonly bytes: number;
  /** The data frames the venue server sent (its `GET /__venue/served`; 'venue-server' only). */
  served(): Promise<string[]>;
  /** Paces the connections opened from now on (messages per second; 0 = full speed; bench venue only). */
  pace(msgsPerSecond: number): Promise<void>;
  stop(): void;
}

/**
 * `passes`: the bench's own minimal venue serving the capture that many times over; 'venue-server':
 * the test tree's venue server replaying it once at full speed (then `served` lists what it sent).
 */
export function startRecordVenue(passes: number | 'venue-server'): Promise<RecordVenue> {
  return new Promise((resolve, reject) => {
    // stdout carries the ready line; stderr passes through (never the runner's stdout).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(passes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      out += s;
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      const ready = JSON.parse(out.slice(0, newline)) as { port: number; messages: number; bytes: number };
      resolve({
        wsBaseUrl: `ws://127.0.0.1:${ready.port}`,
        restBaseUrl: `http://127.0.0.1:${ready.port}`,
        messages: ready.messages,
        bytes: ready.bytes,
        pace: async (msgsPerSecond) => {
          const res = await fetch(`http://127.0.0.1:${ready.port}/bench/rate/${Math.round(msgsPerSecond)}`);
          if (res.status !== 204) throw new Error(`record venue: pacing answered ${res.status}`);
        },
        served: async () => {
          const frames = (await (await fetch(`http://127.0.0.1:${ready.port}/__venue/served`)).json()) as { kind: string; text: string }[];
          return frames.filter((f) => f.kind === 'data').map((f) => f.text);
        },
        stop: () => void child.kill(),
      });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`record venue child exited with ${code} before it was ready`)));
  });
}
