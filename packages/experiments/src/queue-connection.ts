/** Redis connection settings for BullMQ from a `redis://[user:pass@]host:port[/db]` URL. */
import { ChassisError } from '@chassis/core';

/** One queue for all experiments: a run id is global (same id ⇒ same result), so jobs dedupe across sweeps. */
export const RUN_QUEUE = 'chassis-runs';

export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** BullMQ workers block on Redis; ioredis must not give up on their commands. */
  readonly maxRetriesPerRequest: null;
}

export function redisConnection(url: string): RedisConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ChassisError('E_QUEUE_URL', `--queue ${url}: not a URL; expected redis://host:port`);
  }
  if (u.protocol !== 'redis:') throw new ChassisError('E_QUEUE_URL', `--queue ${url}: expected the redis:// scheme`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ChassisError('E_QUEUE_URL', `--queue ${url}: database "${u.pathname.slice(1)}" is not a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * Fails fast when nothing answers at the queue URL. BullMQ (through ioredis) retries a refused
 * connection forever, so a typo in --queue would otherwise hang the sweep or print connection
 * errors in a loop. One connection attempt, a PING, then the connection is closed.
 */
export async function checkQueueReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const { maxRetriesPerRequest: _blocking, ...options } = redisConnection(url);
  // Loaded here, not at module load: only queue sweeps need a Redis client.
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // connect() rejects with a generic "Connection is closed"; the socket error says why.
  let cause = '';
  client.on('error', (err: Error) => {
    cause ||= err.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new ChassisError('E_QUEUE_UNREACHABLE', `--queue ${url}: no Redis answering at ${options.host}:${options.port} (${cause || (err as Error).message})`);
  } finally {
    client.disconnect();
  }
}
