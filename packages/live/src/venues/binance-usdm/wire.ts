/**
 * Binance USDⓈ-M wire shapes the adapter reads, as zod schemas (the type is the schema), and the
 * JSON reading that keeps 64-bit ids exact: order and trade ids are JSON numbers that can exceed
 * 2^53 (USD-M order ids reach 19 digits), so they are turned into strings before JSON.parse.
 * Unknown fields are dropped: the venue adds fields over time.
 *
 * Sources (USDⓈ-M Futures API docs): New Order / Modify Order / Cancel Order / Query Order
 * response; Account Trade List; Position Information V2; Futures Account Balance V2;
 * Start User Data Stream; user data stream events ORDER_TRADE_UPDATE, ACCOUNT_UPDATE,
 * listenKeyExpired; error payload `{ "code": -1121, "msg": "Invalid symbol." }`.
 */
import { z } from 'zod';

const id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => String(v));
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

/** Names of id fields quoted before parsing (order id, trade id, update id). */
const ID_FIELDS = /"(orderId|id|i|t|tradeId|updateId)"(\s*):(\s*)(\d{16,})/g;

/** JSON.parse with every long integer id kept as its exact decimal text. */
export function parseVenueJson(text: string): unknown {
  return JSON.parse(text.replace(ID_FIELDS, '"$1"$2:$3"$4"'));
}

export const errorBodySchema = z.object({ code: z.number().int(), msg: z.string() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const serverTimeSchema = z.object({ serverTime: z.number().int() });

export const listenKeySchema = z.object({ listenKey: z.string().min(1) });

/** Order statuses of USD-M (`X` in ORDER_TRADE_UPDATE, `status` in REST). */
export const orderStatusSchema = z.enum([
  'NEW',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'EXPIRED',
  'EXPIRED_IN_MATCH',
  'REJECTED',
  'NEW_INSURANCE',
  'NEW_ADL',
]);
export type BinanceOrderStatus = z.infer<typeof orderStatusSchema>;

/** New / modify / cancel / query order answers share this shape. */
export const restOrderSchema = z.object({
  orderId: id,
  symbol: z.string(),
  clientOrderId: z.string(),
  status: orderStatusSchema,
  price: decimal,
  origQty: decimal,
  executedQty: decimal,
  side: z.enum(['BUY', 'SELL']),
  type: z.string(),
  timeInForce: z.string(),
  updateTime: z.number().int().optional(),
});
export type RestOrder = z.infer<typeof restOrderSchema>;

export const userTradeSchema = z.object({
  id,
  orderId: id,
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: decimal,
  qty: decimal,
  commission: decimal,
  commissionAsset: z.string(),
  maker: z.boolean(),
  time: z.number().int(),
});
export type UserTrade = z.infer<typeof userTradeSchema>;

export const positionRiskSchema = z.object({
  symbol: z.string(),
  positionAmt: decimal,
  positionSide: z.string().optional(),
});
export const balanceSchema = z.object({ asset: z.string(), balance: decimal });

export const orderTradeUpdateSchema = z.object({
  e: z.literal('ORDER_TRADE_UPDATE'),
  E: z.number().int(),
  T: z.number().int(),
  o: z.object({
    s: z.string(),
    c: z.string(),
    S: z.enum(['BUY', 'SELL']),
    o: z.string(),
    f: z.string(),
    q: decimal,
    p: decimal,
    x: z.string(),
    X: orderStatusSchema,
    i: id,
    l: decimal,
    z: decimal,
    L: decimal,
    N: z.string().optional(),
    n: decimal.optional(),
    T: z.number().int(),
    t: id,
    m: z.boolean(),
    R: z.boolean().optional(),
    er: z.string().optional(),
  }),
});
export type OrderTradeUpdate = z.infer<typeof orderTradeUpdateSchema>;

export const accountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  E: z.number().int(),
  T: z.number().int(),
  a: z.object({
    m: z.string(),
    B: z.array(z.object({ a: z.string(), wb: decimal })),
    P: z.array(z.object({ s: z.string(), pa: decimal, ps: z.string().optional() })),
  }),
});
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;

export const listenKeyExpiredSchema = z.object({
  e: z.literal('listenKeyExpired'),
  E: z.union([z.number(), z.string()]),
  listenKey: z.string().optional(),
});

export const userStreamEventSchema = z.union([orderTradeUpdateSchema, accountUpdateSchema, listenKeyExpiredSchema]);
export type UserStreamEvent = z.infer<typeof userStreamEventSchema>;
