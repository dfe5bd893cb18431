/**
 * REST depth snapshots for book sync, within the venue's request-weight budget. Binance counts
 * weight per IP per minute and reports the total used so far in `X-MBX-USED-WEIGHT-1M`; going
 * over earns a 429 with `Retry-After`, and ignoring 429s an IP ban (418, also with
 * `Retry-After`) (developers.binance.com "LIMITS" / "General API Information"). So requests go
 * one at a time; before each we compare the last reported weight plus this request's weight
 * with the limit and, if it would exceed it, wait for the next window; on 429/418 we wait
 * what Retry-After says, and then retry (the venue's own answer wins over the weight header that
 * came with it). Every wait is reported as a `rate-limited` event.
 */
import { backoffDelayMs, retryAfterMs, type BackoffPolicy } from './backoff.ts';
import type { RestSnapshotSync } from './venue-protocol.ts';

export interface RestSnapshotResponse {
  readonly text: string;
  /** Capture time of the complete response body, ns. */
  readonly tsCaptureNs: bigint;
}

export interface RestSnapshotClientOptions {
  readonly rules: RestSnapshotSync;
  readonly captureNs: () => bigint;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  /** Wall clock, ms since epoch: aligns the weight window (Binance windows are per calendar minute). */
  readonly wallMs?: () => number;
  readonly timeoutMs?: number;
  /** A wait before a request; `connectionId` is the connection the snapshot is for. */
  onWait(reason: string, delayMs: number, connectionId: string): void;
}

export class RestSnapshotClient {
  private queue: Promise<unknown> = Promise.resolve();
  private usedWeight = 0;
  private usedWindow = -1;
  private readonly abort = new AbortController();
  private readonly wallMs: () => number;

  constructor(private readonly o: RestSnapshotClientOptions) {
    this.wallMs = o.wallMs ?? Date.now;
  }

  /** Fetches `url` for a connection (after the requests queued before it); null once the client was stopped. */
  get(url: string, connectionId: string): Promise<RestSnapshotResponse | null> {
    const next = this.queue.then(() => this.fetchWithRetries(url, connectionId));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Aborts the request in flight and every wait; pending gets resolve null. */
  stop(): void {
    this.abort.abort();
  }

  private async fetchWithRetries(url: string, connectionId: string): Promise<RestSnapshotResponse | null> {
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      await this.waitForWeight(connectionId);
      if (this.abort.signal.aborted) return null;
      let waitMs: number;
      let reason: string;
      try {
        const res = await fetch(url, { signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs ?? 10_000)]) });
        const text = await res.text();
        const tsCaptureNs = this.o.captureNs();
        this.noteWeight(res.headers.get(this.o.rules.usedWeightHeader));
        if (res.status === 200) return { text, tsCaptureNs };
        const asked = retryAfterMs(res.headers.get('retry-after'), this.wallMs());
        // The venue said when to retry: that replaces what its weight header implied.
        if (asked !== null) this.usedWindow = -1;
        waitMs = asked ?? backoffDelayMs(attempt, this.o.backoff, this.o.random);
        reason = `GET ${url} answered HTTP ${res.status}${asked !== null ? `; Retry-After ${asked} ms` : ''}`;
      } catch (err) {
        if (this.abort.signal.aborted) return null;
        waitMs = backoffDelayMs(attempt, this.o.backoff, this.o.random);
        reason = `GET ${url} failed: ${(err as Error).message}`;
      }
      this.o.onWait(reason, waitMs, connectionId);
      await this.sleep(waitMs);
    }
    return null;
  }

  private noteWeight(header: string | null): void {
    const window = Math.floor(this.wallMs() / this.o.rules.weightWindowMs);
    const reported = header === null ? NaN : Number(header);
    if (Number.isFinite(reported)) this.usedWeight = reported;
    else this.usedWeight = (window === this.usedWindow ? this.usedWeight : 0) + this.o.rules.requestWeight;
    this.usedWindow = window;
  }

  private async waitForWeight(connectionId: string): Promise<void> {
    const { weightWindowMs, weightLimit, requestWeight } = this.o.rules;
    const now = this.wallMs();
    if (Math.floor(now / weightWindowMs) !== this.usedWindow) return;
    if (this.usedWeight + requestWeight <= weightLimit) return;
    const waitMs = weightWindowMs - (now % weightWindowMs) + 1;
    this.o.onWait(`request weight ${this.usedWeight} + ${requestWeight} would exceed ${weightLimit} per ${weightWindowMs} ms; waiting for the next window`, waitMs, connectionId);
    await this.sleep(waitMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.abort.signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      this.abort.signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(t);
        resolve();
      }
    });
  }
}
