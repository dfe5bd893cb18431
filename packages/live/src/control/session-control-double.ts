/**
 * A SessionControl test double for the control API's tests: it records every call with its
 * argument and changes its status the way a session would (pause → strategyPaused, kill →
 * killSwitch). `refuse` makes the next call throw the given error, as a session refuses an
 * invalid configuration. Not exported from the package index.
 */
import { ChassisError } from '@chassis/core';
import type { SessionControl, SessionStatus } from '../contracts.ts';

export interface SessionCall {
  readonly method: 'pause' | 'resume' | 'kill' | 'flatten' | 'setConfig' | 'reconcile';
  readonly argument: string;
}

export class SessionControlDouble implements SessionControl {
  readonly calls: SessionCall[] = [];
  private current: SessionStatus = {
    sessionId: 'paper-test-1',
    mode: 'paper',
    venue: 'binance-usdm',
    state: 'running',
    lastSeq: 41,
    stateHash: '0123456789abcdef',
    killSwitch: false,
    strategyPaused: false,
    reconciliation: 'matched',
    feeds: { 'binance-usdm:BTCUSDT': 'healthy', 'binance-usdm:ETHUSDT': 'degraded' },
    openOrders: 2,
    positions: { 'binance-usdm:BTCUSDT': '0.010' },
    configVersion: 'v1',
  };
  private nextError: Error | null = null;
  private versions = 1;

  status(): SessionStatus {
    return this.current;
  }

  /** The next call throws `err` (a ChassisError is a refusal by the session, anything else a failure). */
  refuse(err: Error = new ChassisError('E_LIVE_CONFIG', 'risk.maxOrderQty: expected a number')): void {
    this.nextError = err;
  }

  private record(method: SessionCall['method'], argument: string, change: Partial<SessionStatus>): void {
    const err = this.nextError;
    this.nextError = null;
    if (err !== null) throw err;
    this.calls.push({ method, argument });
    this.current = { ...this.current, ...change, lastSeq: this.current.lastSeq + 1 };
  }

  async pause(reason: string): Promise<void> {
    this.record('pause', reason, { strategyPaused: true, state: 'paused' });
  }

  async resume(reason: string): Promise<void> {
    this.record('resume', reason, { strategyPaused: false, state: 'running' });
  }

  async kill(reason: string): Promise<void> {
    this.record('kill', reason, { killSwitch: true, state: 'killed' });
  }

  async flatten(reason: string): Promise<void> {
    this.record('flatten', reason, {});
  }

  async setConfig(yamlText: string): Promise<{ readonly version: string }> {
    const version = `v${++this.versions}`;
    this.record('setConfig', yamlText, { configVersion: version });
    return { version };
  }

  async reconcile(): Promise<string> {
    this.record('reconcile', '', { reconciliation: 'matched' });
    return `/data/execution-records/${this.current.sessionId}/reconciliation-${this.calls.length}.json`;
  }
}
