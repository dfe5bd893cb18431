/**
 * The JSON the emulator answers with, field for field as USDⓈ-M documents it (fixtures/README.md
 * names each documented example these shapes were checked against): REST order objects, account
 * trades, position risk, balances, the account, and the user-data events ORDER_TRADE_UPDATE,
 * ACCOUNT_UPDATE and listenKeyExpired. Prices and quantities are decimal strings; ids and times
 * JSON numbers (ms).
 */
import { divRoundHalfAway, type Account, type OrderRecord, type TradeRecord } from './account.ts';
import { PRICE_DECIMALS, SETTLEMENT_DECIMALS, SYMBOL, priceText, qtyText, unitsText, usdtText } from './symbol-spec.ts';

/** Decimals Binance shows average and entry prices with ("avgPrice":"0.00000"). */
const AVG_PRICE_DECIMALS = 5;
const LEVERAGE = 20;

/** Σ price × qty / qty as price text with 5 decimals (0.00000 when qty is 0). */
function averagePriceText(quoteUnits: bigint, qtyUnits: number): string {
  if (qtyUnits === 0) return unitsText(0n, AVG_PRICE_DECIMALS);
  const scale = 10n ** BigInt(AVG_PRICE_DECIMALS - PRICE_DECIMALS);
  return unitsText(divRoundHalfAway(quoteUnits * scale, BigInt(Math.abs(qtyUnits))), AVG_PRICE_DECIMALS);
}

const cumQuoteText = (o: OrderRecord): string => unitsText(o.cumQuoteUnits, SETTLEMENT_DECIMALS);

/** POST/PUT/DELETE /fapi/v1/order answer (documented "Response Example" of New Order). */
export function orderResponse(o: OrderRecord): object {
  return {
    orderId: o.orderId,
    symbol: SYMBOL,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: priceText(o.priceUnits),
    avgPrice: averagePriceText(o.cumQuoteUnits, o.filledUnits),
    origQty: qtyText(o.qtyUnits),
    executedQty: qtyText(o.filledUnits),
    cumQty: qtyText(o.filledUnits),
    cumQuote: cumQuoteText(o),
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side,
    positionSide: 'BOTH',
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: o.type,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    updateTime: o.updateTimeMs,
  };
}

/** GET /fapi/v1/order and openOrders entries: the order response plus its creation `time`. */
export function queriedOrder(o: OrderRecord): object {
  return { ...orderResponse(o), time: o.timeMs };
}

/** GET /fapi/v1/userTrades entry. */
export function userTrade(t: TradeRecord): object {
  return {
    buyer: t.side === 'BUY',
    commission: usdtText(t.feeUnits),
    commissionAsset: 'USDT',
    id: t.id,
    maker: t.liquidity === 'maker',
    orderId: t.orderId,
    price: priceText(t.priceUnits),
    qty: qtyText(t.qtyUnits),
    quoteQty: unitsText(BigInt(t.priceUnits) * BigInt(t.qtyUnits), SETTLEMENT_DECIMALS),
    realizedPnl: usdtText(t.realizedUnits),
    side: t.side,
    positionSide: 'BOTH',
    symbol: SYMBOL,
    time: t.timeMs,
  };
}

function entryPriceText(a: Account): string {
  return averagePriceText(a.costUnits, a.positionUnits);
}

/** GET /fapi/v2/positionRisk entry (one-way mode, cross margin). */
export function positionRisk(a: Account, markPriceUnits: number): object {
  const mark = Number.isFinite(markPriceUnits) ? markPriceUnits : 0;
  return {
    symbol: SYMBOL,
    positionAmt: qtyText(a.positionUnits),
    entryPrice: entryPriceText(a),
    breakEvenPrice: entryPriceText(a),
    markPrice: priceText(mark),
    unRealizedProfit: usdtText(a.unrealizedUnits(mark)),
    liquidationPrice: '0',
    leverage: String(LEVERAGE),
    maxNotionalValue: '80000000',
    marginType: 'cross',
    isolatedMargin: '0.00000000',
    isAutoAddMargin: 'false',
    positionSide: 'BOTH',
    notional: usdtText(BigInt(mark) * BigInt(a.positionUnits)),
    isolatedWallet: '0',
    updateTime: a.updateTimeMs,
  };
}

/** GET /fapi/v2/balance entry for USDT. */
export function balance(a: Account, markPriceUnits: number): object {
  const wallet = usdtText(a.walletUnits);
  return {
    accountAlias: 'SgsR',
    asset: 'USDT',
    balance: wallet,
    crossWalletBalance: wallet,
    crossUnPnl: usdtText(a.unrealizedUnits(markPriceUnits)),
    availableBalance: wallet,
    maxWithdrawAmount: wallet,
    marginAvailable: true,
    updateTime: a.updateTimeMs,
  };
}

/** GET /fapi/v2/account. Margins are not modelled (0): the emulator never liquidates. */
export function accountInfo(a: Account, markPriceUnits: number): object {
  const wallet = usdtText(a.walletUnits);
  const upnl = usdtText(a.unrealizedUnits(markPriceUnits));
  const margin = usdtText(a.walletUnits + a.unrealizedUnits(markPriceUnits));
  const zero = '0.00000000';
  return {
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    totalInitialMargin: zero,
    totalMaintMargin: zero,
    totalWalletBalance: wallet,
    totalUnrealizedProfit: upnl,
    totalMarginBalance: margin,
    totalPositionInitialMargin: zero,
    totalOpenOrderInitialMargin: zero,
    totalCrossWalletBalance: wallet,
    totalCrossUnPnl: upnl,
    availableBalance: wallet,
    maxWithdrawAmount: wallet,
    assets: [
      {
        asset: 'USDT',
        walletBalance: wallet,
        unrealizedProfit: upnl,
        marginBalance: margin,
        maintMargin: zero,
        initialMargin: zero,
        positionInitialMargin: zero,
        openOrderInitialMargin: zero,
        crossWalletBalance: wallet,
        crossUnPnl: upnl,
        availableBalance: wallet,
        maxWithdrawAmount: wallet,
        marginAvailable: true,
        updateTime: a.updateTimeMs,
      },
    ],
    positions: [
      {
        symbol: SYMBOL,
        initialMargin: '0',
        maintMargin: '0',
        unrealizedProfit: upnl,
        positionInitialMargin: '0',
        openOrderInitialMargin: '0',
        leverage: String(LEVERAGE),
        isolated: false,
        entryPrice: entryPriceText(a),
        breakEvenPrice: entryPriceText(a),
        maxNotional: '80000000',
        positionSide: 'BOTH',
        positionAmt: qtyText(a.positionUnits),
        updateTime: a.updateTimeMs,
      },
    ],
  };
}

/** GET /fapi/v3/positionRisk entry: v2's position with the margin fields v3 adds (margins not modelled: 0). */
export function positionRiskV3(a: Account, markPriceUnits: number): object {
  const {
    leverage: _l,
    maxNotionalValue: _m,
    marginType: _t,
    isAutoAddMargin: _i,
    ...v2
  } = positionRisk(a, markPriceUnits) as Record<string, unknown>;
  return {
    ...v2,
    marginAsset: 'USDT',
    initialMargin: '0',
    maintMargin: '0',
    positionInitialMargin: '0',
    openOrderInitialMargin: '0',
    adl: 0,
    bidNotional: '0',
    askNotional: '0',
  };
}

/** GET /fapi/v3/account: v2's account, positions listed only when open. */
export function accountInfoV3(a: Account, markPriceUnits: number): object {
  const v2 = accountInfo(a, markPriceUnits) as { positions: object[] };
  return { ...v2, positions: a.positionUnits === 0 ? [] : v2.positions };
}

export type ExecutionType = 'NEW' | 'CANCELED' | 'EXPIRED' | 'TRADE' | 'AMENDMENT';

/** ORDER_TRADE_UPDATE for an order after a change (`trade` set for x = TRADE). */
export function orderTradeUpdate(o: OrderRecord, x: ExecutionType, eventMs: number, trade?: TradeRecord): object {
  const side = o.side === 'BUY' ? 'b' : 'a';
  const restingNotional =
    o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'
      ? BigInt(o.priceUnits) * BigInt(o.qtyUnits - o.filledUnits)
      : 0n;
  return {
    e: 'ORDER_TRADE_UPDATE',
    E: eventMs,
    T: trade?.timeMs ?? o.updateTimeMs,
    o: {
      s: SYMBOL,
      c: o.clientOrderId,
      S: o.side,
      o: o.type,
      f: o.timeInForce,
      q: qtyText(o.qtyUnits),
      p: priceText(o.priceUnits),
      ap: averagePriceText(o.cumQuoteUnits, o.filledUnits),
      sp: '0',
      x,
      X: o.status,
      i: o.orderId,
      l: qtyText(trade?.qtyUnits ?? 0),
      z: qtyText(o.filledUnits),
      L: priceText(trade?.priceUnits ?? 0),
      ...(trade !== undefined ? { N: 'USDT', n: usdtText(trade.feeUnits) } : {}),
      T: trade?.timeMs ?? o.updateTimeMs,
      t: trade?.id ?? 0,
      b: side === 'b' ? unitsText(restingNotional, SETTLEMENT_DECIMALS) : '0',
      a: side === 'a' ? unitsText(restingNotional, SETTLEMENT_DECIMALS) : '0',
      m: trade?.liquidity === 'maker',
      R: o.reduceOnly,
      wt: 'CONTRACT_PRICE',
      ot: o.type,
      ps: 'BOTH',
      cp: false,
      pP: false,
      si: 0,
      ss: 0,
      rp: usdtText(trade?.realizedUnits ?? 0n),
      V: 'EXPIRE_MAKER',
      pm: 'NONE',
      gtd: 0,
    },
  };
}

/** ACCOUNT_UPDATE after a fill (reason ORDER): the USDT balance and the BTCUSDT position. */
export function accountUpdate(a: Account, trade: TradeRecord, eventMs: number, markPriceUnits: number): object {
  const wallet = usdtText(a.walletUnits);
  return {
    e: 'ACCOUNT_UPDATE',
    E: eventMs,
    T: trade.timeMs,
    a: {
      m: 'ORDER',
      B: [{ a: 'USDT', wb: wallet, cw: wallet, bc: '0' }],
      P: [
        {
          s: SYMBOL,
          pa: qtyText(a.positionUnits),
          ep: entryPriceText(a),
          bep: entryPriceText(a),
          cr: '0',
          up: usdtText(a.unrealizedUnits(markPriceUnits)),
          mt: 'cross',
          iw: '0',
          ps: 'BOTH',
        },
      ],
    },
  };
}

/** listenKeyExpired as documented today (`E` a string, the key named). */
export function listenKeyExpired(listenKey: string, eventMs: number): object {
  return { e: 'listenKeyExpired', E: String(eventMs), listenKey };
}
