/**
 * The run recorder: the timeline's sink. Writes every event to the journal, records
 * checkpoints, and collects the orders / fills / positions / equity series and the counters
 * behind metrics.json. Work per market event is its place in the journal block and the block's
 * market digest (journal.ts format 2: market events by reference) and two comparisons;
 * series rows are collected only on our own order activity and once per second of local time.
 */
import { contractTerms, valueAtPrice, type Engine, type Event, type Instrument, type MarketEvent, type StepResult, type StateView } from '@chassis/core';
import type { JournalWriter } from './journal/journal.ts';
import type { TimelineSink } from './timeline.ts';

export interface OrderRow {
  orderId: number;
  instrument: string;
  side: string;
  orderType: string;
  timeInForce: string;
  postOnly: boolean;
  createdSeq: number;
  createdTsLocalNs: bigint;
  priceUnits: number;
  qtyUnits: number;
  replaces: number;
  cancelRequested: boolean;
  filledQtyUnits: number;
  status: string;
  closeReason: string;
}

export interface FillRow {
  seq: number;
  tsLocalNs: bigint;
  tsEventNs: bigint;
  orderId: number;
  instrument: string;
  side: string;
  priceUnits: number;
  qtyUnits: number;
  price: number;
  qty: number;
  liquidity: string;
  /** Fee in settlement units of 10^-settlementDecimals of `feeCurrency`. */
  feeUnits: bigint;
  fee: number;
  feeCurrency: string;
  final: boolean;
}

export interface PositionRow {
  seq: number;
  tsLocalNs: bigint;
  instrument: string;
  qtyUnits: number;
  qty: number;
  avgPrice: number;
  realizedPnl: number;
  fees: number;
  /** Settlement asset of realizedPnl and fees. */
  currency: string;
}

export interface EquityRow {
  seq: number;
  tsLocalNs: bigint;
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
  equity: number;
  inventory: number;
}

export interface Checkpoint {
  readonly seq: number;
  readonly stateHash: string;
  /** Digest of the encoded records up to seq (journal.ts streamDigest; format 2: the run's own events, market events are proved per block). */
  readonly streamDigest: string;
}

const SAMPLE_NS = 1_000_000_000n;

/** Per instrument: float scales for the series and where its money settles. */
interface Scale {
  readonly instrument: Instrument;
  readonly price: number;
  readonly qty: number;
  /** 10^settlementDecimals: settlement units per unit of the settlement currency. */
  readonly money: number;
  readonly moneyDecimals: number;
  readonly currency: string;
  readonly lot: number;
}

/** Exact realised PnL and fees (settlement units) and float mark-to-mid unrealised PnL of one settlement currency. */
export interface CurrencyPnl {
  readonly currency: string;
  /** Decimal places of the exact units below. */
  readonly decimals: number;
  readonly realizedUnits: bigint;
  readonly feesUnits: bigint;
  /** Mark-to-mid, float, in the currency (not units). */
  readonly unrealized: number;
}

/** Diagnostic codes with which the core reports an execution event it recorded but did not apply. */
const UNAPPLIED_FILL_CODES: ReadonlySet<string> = new Set(['duplicate_fill', 'late_event', 'unknown_order', 'invalid_fill', 'refused_transition']);

/** Whether a step's diagnostics report the fill at `seq` as recorded but not applied (a loop: no closure per fill). */
function unappliedFill(diagnostics: StepResult['diagnostics'], seq: number): boolean {
  for (let i = 0; i < diagnostics.length; i++) {
    const d = diagnostics[i]!;
    if (d.seq === seq && UNAPPLIED_FILL_CODES.has(d.code)) return true;
  }
  return false;
}

export class RunRecorder implements TimelineSink {
  readonly orders = new Map<number, OrderRow>();
  readonly fills: FillRow[] = [];
  readonly positions: PositionRow[] = [];
  readonly equity: EquityRow[] = [];
  readonly checkpoints: Checkpoint[] = [];
  readonly denials = new Map<string, number>();
  readonly counts = { requestsNew: 0, requestsReplace: 0, requestsCancel: 0, rejected: 0, cancelled: 0, replaceRejected: 0, strategyHalted: 0, intents: 0, strategyErrors: 0 };
  maxInventoryLots = 0;
  maxDrawdown = 0;
  private peakEquity = 0;
  private nextSampleNs = -1n;
  private readonly scale = new Map<string, Scale>();
  /** `scale`'s entries as a list: the equity sample walks them without an entry pair per instrument. */
  private readonly scales: readonly { readonly id: string; readonly sc: Scale }[];
  /** Settlement asset of the first instrument: the currency of the equity series and the headline PnL. */
  readonly currency: string;
  /** That currency's instruments (in the given order) with the factor that brings their settlement units to its finest precision. */
  private readonly runCurrency: { readonly decimals: number; readonly members: readonly { readonly id: string; readonly sc: Scale; readonly up: bigint }[] };

  constructor(
    private readonly journal: JournalWriter,
    instruments: readonly Instrument[],
  ) {
    for (const i of instruments) {
      const t = contractTerms(i);
      this.scale.set(i.id, {
        instrument: i,
        price: 10 ** i.priceDecimals,
        qty: 10 ** i.sizeDecimals,
        money: 10 ** t.settlementDecimals,
        moneyDecimals: t.settlementDecimals,
        currency: t.settlementCurrency,
        lot: i.lotUnits,
      });
    }
    this.scales = [...this.scale].map(([id, sc]) => ({ id, sc }));
    this.currency = instruments[0] ? contractTerms(instruments[0]).settlementCurrency : '';
    const members = [...this.scale].filter(([, sc]) => sc.currency === this.currency);
    const decimals = Math.max(0, ...members.map(([, sc]) => sc.moneyDecimals));
    this.runCurrency = { decimals, members: members.map(([id, sc]) => ({ id, sc, up: 10n ** BigInt(decimals - sc.moneyDecimals) })) };
  }

  /** A market event: its place in the journal (and, by reference, the block's digest). */
  market(e: MarketEvent): void {
    this.journal.market(e);
  }

  append(e: Event): void {
    switch (e.kind) {
      case 'book_delta':
      case 'trade':
      case 'bbo':
        this.journal.market(e);
        return;
      default:
        this.journal.append(e);
    }
    switch (e.kind) {
      case 'request_sent': {
        if (e.request === 'new') {
          this.counts.requestsNew++;
          this.orders.set(e.orderId, {
            orderId: e.orderId,
            instrument: e.instrument,
            side: e.side,
            orderType: e.orderType,
            timeInForce: e.timeInForce,
            postOnly: e.postOnly,
            createdSeq: e.seq,
            createdTsLocalNs: e.tsLocalNs,
            priceUnits: e.priceUnits,
            qtyUnits: e.qtyUnits,
            replaces: 0,
            cancelRequested: false,
            filledQtyUnits: 0,
            status: 'submitted',
            closeReason: '',
          });
        } else if (e.request === 'replace') {
          this.counts.requestsReplace++;
          const o = this.orders.get(e.orderId);
          if (o) o.replaces++;
        } else {
          this.counts.requestsCancel++;
          const o = this.orders.get(e.orderId);
          if (o) o.cancelRequested = true;
        }
        return;
      }
      case 'order_rejected':
        this.counts.rejected++;
        return;
      case 'order_cancelled':
        this.counts.cancelled++;
        return;
      case 'cancel_replace_rejected':
        this.counts.replaceRejected++;
        return;
      case 'strategy_halted':
        this.counts.strategyHalted++;
        return;
      default:
        return;
    }
  }

  stepped(e: Event, result: StepResult, engine: Engine): void {
    this.counted(result);
    // A fill the core refused (a duplicate, or one for a terminal or unknown order) is in the
    // journal but changed nothing: the fill records, like positions, count it zero times.
    if (e.kind === 'order_filled' && !unappliedFill(result.diagnostics, e.seq)) this.onFill(e, engine.view);
    if (e.tsLocalNs >= this.nextSampleNs) this.sample(e.seq, e.tsLocalNs, engine);
  }

  /** `stepped` for a market event (never a fill). */
  marketStepped(e: MarketEvent, result: StepResult, engine: Engine): void {
    this.counted(result);
    if (e.tsLocalNs >= this.nextSampleNs) this.sample(e.seq, e.tsLocalNs, engine);
  }

  /** A step's intents, risk denials and strategy errors into the counters. */
  private counted(result: StepResult): void {
    if (result.intents.length) this.counts.intents += result.intents.length;
    const decisions = result.decisions;
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i]!;
      if (!d.allowed) this.denials.set(d.reason, (this.denials.get(d.reason) ?? 0) + 1);
    }
    const diags = result.diagnostics;
    for (let i = 0; i < diags.length; i++) if (diags[i]!.code === 'strategy_error') this.counts.strategyErrors++;
  }

  /** The once-per-second equity sample, due at tsLocalNs. */
  private sample(seq: number, tsLocalNs: bigint, engine: Engine): void {
    this.sampleEquity(seq, tsLocalNs, engine.view);
    this.nextSampleNs = (tsLocalNs / SAMPLE_NS + 1n) * SAMPLE_NS;
  }

  checkpoint(seq: number, stateHash: string): void {
    this.checkpoints.push({ seq, stateHash, streamDigest: this.journal.streamDigest() });
  }

  private onFill(e: Extract<Event, { kind: 'order_filled' }>, view: StateView): void {
    const o = this.orders.get(e.orderId);
    const instrument = o?.instrument ?? view.execution.order(e.orderId)?.instrument ?? '';
    const sc = this.scale.get(instrument)!;
    this.fills.push({
      seq: e.seq,
      tsLocalNs: e.tsLocalNs,
      tsEventNs: e.tsEventNs,
      orderId: e.orderId,
      instrument,
      side: o?.side ?? '',
      priceUnits: e.priceUnits,
      qtyUnits: e.qtyUnits,
      price: e.priceUnits / sc.price,
      qty: e.qtyUnits / sc.qty,
      liquidity: e.liquidity,
      feeUnits: e.feeUnits,
      fee: Number(e.feeUnits) / sc.money,
      feeCurrency: sc.currency,
      final: e.final,
    });
    const p = view.execution.position(instrument);
    this.positions.push({
      seq: e.seq,
      tsLocalNs: e.tsLocalNs,
      instrument,
      qtyUnits: p.qtyUnits,
      qty: p.qtyUnits / sc.qty,
      avgPrice: p.avgPrice / sc.price,
      realizedPnl: Number(p.realizedPnlUnits) / sc.money,
      fees: Number(p.feesUnits) / sc.money,
      currency: sc.currency,
    });
    const lots = Math.abs(p.qtyUnits) / sc.lot;
    if (lots > this.maxInventoryLots) this.maxInventoryLots = lots;
    this.sampleEquity(e.seq, e.tsLocalNs, view);
  }

  /**
   * PnL per settlement currency, in the order the instruments were given: realised and fees
   * exact (bigint, at the finest settlement precision of the currency's instruments),
   * unrealised marked to mid (float): value of the position at mid − its basis.
   */
  pnlByCurrency(view: StateView): CurrencyPnl[] {
    const out = new Map<string, { currency: string; decimals: number; realizedUnits: bigint; feesUnits: bigint; unrealized: number }>();
    for (const [id, sc] of this.scale) {
      let c = out.get(sc.currency);
      if (c === undefined) out.set(sc.currency, (c = { currency: sc.currency, decimals: sc.moneyDecimals, realizedUnits: 0n, feesUnits: 0n, unrealized: 0 }));
      const p = view.execution.position(id);
      if (sc.moneyDecimals > c.decimals) {
        const up = 10n ** BigInt(sc.moneyDecimals - c.decimals);
        c.realizedUnits *= up;
        c.feesUnits *= up;
        c.decimals = sc.moneyDecimals;
      }
      const up = 10n ** BigInt(c.decimals - sc.moneyDecimals);
      c.realizedUnits += p.realizedPnlUnits * up;
      c.feesUnits += p.feesUnits * up;
      if (p.qtyUnits !== 0) {
        const mid = view.market.book(id)?.mid() ?? NaN;
        if (Number.isFinite(mid)) c.unrealized += (valueAtPrice(sc.instrument, p.qtyUnits, mid) - Number(p.costUnits)) / sc.money;
      }
    }
    return [...out.values()];
  }

  /**
   * Float PnL of the run's settlement currency (the first instrument's) and the inventory in lots:
   * the equity series, sampled every second and on every fill. The same sums as pnlByCurrency's
   * entry for that currency, in the same order, over only its instruments (`runCurrency`).
   */
  pnl(view: StateView): { realized: number; unrealized: number; fees: number; inventoryLots: number } {
    let inventoryLots = 0;
    const scales = this.scales;
    for (let i = 0; i < scales.length; i++) inventoryLots += view.execution.position(scales[i]!.id).qtyUnits / scales[i]!.sc.lot;
    const { decimals, members } = this.runCurrency;
    if (members.length === 0) return { realized: 0, unrealized: 0, fees: 0, inventoryLots };
    let realizedUnits = 0n;
    let feesUnits = 0n;
    let unrealized = 0;
    for (const { id, sc, up } of members) {
      const p = view.execution.position(id);
      realizedUnits += up === 1n ? p.realizedPnlUnits : p.realizedPnlUnits * up;
      feesUnits += up === 1n ? p.feesUnits : p.feesUnits * up;
      if (p.qtyUnits !== 0) {
        const mid = view.market.book(id)?.mid() ?? NaN;
        if (Number.isFinite(mid)) unrealized += (valueAtPrice(sc.instrument, p.qtyUnits, mid) - Number(p.costUnits)) / sc.money;
      }
    }
    const unit = 10 ** decimals;
    return { realized: Number(realizedUnits) / unit, unrealized, fees: Number(feesUnits) / unit, inventoryLots };
  }

  private sampleEquity(seq: number, tsLocalNs: bigint, view: StateView): void {
    const { realized, unrealized, fees, inventoryLots } = this.pnl(view);
    const equity = realized + unrealized - fees;
    if (equity > this.peakEquity) this.peakEquity = equity;
    if (this.peakEquity - equity > this.maxDrawdown) this.maxDrawdown = this.peakEquity - equity;
    this.equity.push({ seq, tsLocalNs, realizedPnl: realized, unrealizedPnl: unrealized, fees, equity, inventory: inventoryLots });
  }

  /** Final order statuses from the engine's state. */
  finishOrders(view: StateView): void {
    for (const o of this.orders.values()) {
      const v = view.execution.order(o.orderId);
      if (!v) continue;
      o.status = v.status;
      o.filledQtyUnits = v.filledQtyUnits;
      o.priceUnits = v.priceUnits;
      o.qtyUnits = v.qtyUnits;
    }
  }
}
