/**
 * Intents: ephemeral commands a strategy returns (SPEC.md L5). Not events, not orders.
 */
import type { OrderSide, OrderType, TimeInForce } from './events.ts';

export interface NewIntent {
  readonly type: 'new';
  readonly instrument: string;
  readonly side: OrderSide;
  /** Default 'limit'. Market orders carry priceUnits 0. */
  readonly orderType?: OrderType;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  /** Default 'GTC'. */
  readonly timeInForce?: TimeInForce;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly clientTag?: string;
}

export interface ReplaceIntent {
  readonly type: 'replace';
  readonly orderId: number;
  readonly priceUnits: number;
  readonly qtyUnits: number;
}

export interface CancelIntent {
  readonly type: 'cancel';
  readonly orderId: number;
}

export type Intent = NewIntent | ReplaceIntent | CancelIntent;

/**
 * Who asked for an intent: the strategy, or the operator through a control event (the kill
 * switch's cancels, flatten's reduce-only orders), which the core turns into intents itself.
 */
export type IntentOrigin = 'strategy' | 'operator';
