/**
 * Fault injection for the drills: the failures a live Binance connection inflicts, armed on the
 * running emulator through this small typed API (see README "Faults").
 */
import type { RateLimits } from './rate-limits.ts';
import type { UserStream } from './user-stream.ts';

/** What happens to the next order request (POST, PUT or DELETE /fapi/v1/order). */
export type OrderAnswerFault = 'drop-after-acting' | 'unknown-after-acting' | 'unknown-without-acting';

export interface EmulatorFaults {
  /** The next order request is acted on, then its TCP connection destroyed: the client never gets an answer. */
  dropNextOrderAnswer(): void;
  /**
   * The next order request is answered HTTP 503 `{"code":-1000,"msg":"Unknown error, please check
   * your request or try again later."}` — after acting on it (default, Binance's "execution status
   * unknown") or without acting (`acted: false`).
   */
  unknownStatusNextOrder(options?: { readonly acted?: boolean }): void;
  /** Drops every user-stream event for `ms` milliseconds (never delivered later). */
  pauseUserStream(ms: number): void;
  /** The active listen key expires now: `listenKeyExpired`, then no events on it. */
  expireListenKey(): void;
  /** Closes every WebSocket — user stream and market data — with a close frame, or abruptly (TCP dropped). */
  closeWebSockets(options?: { readonly abrupt?: boolean }): void;
  /** Uses up the current minute's request weight: the next weighted request gets 429 (and 418 if the client keeps going). */
  exhaustWeight(): void;
}

export class FaultState implements EmulatorFaults {
  private readonly orderFaults: OrderAnswerFault[] = [];

  constructor(
    private readonly userStream: UserStream,
    private readonly limits: RateLimits,
    private readonly closeMarketSockets: (abrupt: boolean) => void,
  ) {}

  dropNextOrderAnswer(): void {
    this.orderFaults.push('drop-after-acting');
  }

  unknownStatusNextOrder(options?: { readonly acted?: boolean }): void {
    this.orderFaults.push(options?.acted === false ? 'unknown-without-acting' : 'unknown-after-acting');
  }

  pauseUserStream(ms: number): void {
    this.userStream.pause(ms);
  }

  expireListenKey(): void {
    this.userStream.expire();
  }

  closeWebSockets(options?: { readonly abrupt?: boolean }): void {
    const abrupt = options?.abrupt === true;
    this.userStream.closeConnections(abrupt);
    this.closeMarketSockets(abrupt);
  }

  exhaustWeight(): void {
    this.limits.exhaustWeight();
  }

  /** Takes the fault armed for the next order request, if any. */
  takeOrderFault(): OrderAnswerFault | null {
    return this.orderFaults.shift() ?? null;
  }
}
