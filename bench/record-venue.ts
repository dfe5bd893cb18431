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
  /** Paces the connections opened from now on (messages per second; 0 = full speed). */
  pace(msgsPerSecond: number): Promise<void>;
  stop(): void;
}

export function startRecordVenue(passes: number): Promise<RecordVenue> {
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
        stop: () => void child.kill(),
      });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`record venue child exited with ${code} before it was ready`)));
  });
}
