// Generator of the Coinbase fixtures beside it (run: node generate-X.mjs; deterministic seed), in the documented message shapes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
let seed = 1402;
const rnd = () => { seed = (seed + 0x6d2b79f5) | 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (n) => Math.floor(rnd() * n);
const size = () => (0.001 + rnd() * 2).toFixed(8).replace(/\.?0+$/, '');
function book(mid, tick, pd) {
  const bids = new Map(), asks = new Map();
  for (let i = 0; i < 20; i++) { bids.set((mid - tick * (1 + i * 3 + pick(3))).toFixed(pd), size()); asks.set((mid + tick * (1 + i * 3 + pick(3))).toFixed(pd), size()); }
  return { bids, asks };
}
const best = (m, desc) => [...m.entries()].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])))[0];
const sorted = (m, desc) => [...m.entries()].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
function change(b, tick, pd) {
  const bid = rnd() < 0.5; const side = bid ? b.bids : b.asks; const lv = sorted(side, bid);
  const r = rnd();
  if (r < 0.4) { const [p] = lv[pick(5)]; const s = size(); side.set(p, s); return [bid, p, s]; }
  if (r < 0.65 && lv.length > 12) { const [p] = lv[pick(5)]; side.delete(p); return [bid, p, '0']; }
  const top = Number(lv[0][0]); const other = Number(best(bid ? b.asks : b.bids, !bid)[0]);
  const room = Math.round(Math.abs(other - top) / tick) - 1;
  const p = room > 1 && rnd() < 0.5 ? (bid ? top + tick : top - tick).toFixed(pd) : (bid ? top - tick * (1 + pick(8)) : top + tick * (1 + pick(8))).toFixed(pd);
  const s = size(); side.set(p, s); return [bid, p, s];
}

// ---- Advanced Trade BTC-USD, chassis-raw ----
{
  const b = book(21925, 0.01, 2);
  let ns = 1675974770000000000n; let seq = 0;
  const iso = () => { const ms = ns / 1_000_000n; return new Date(Number(ms)).toISOString().slice(0, 19) + '.' + String(ns % 1_000_000_000n).padStart(9, '0') + 'Z'; };
  const lines = [];
  const emit = (msg) => { lines.push(`{"tsLocalNs":"${ns + 1_500_000n}","venue":"coinbase","feed":"market","connectionId":"c1","message":${JSON.stringify(msg)}}`); ns += BigInt(1 + pick(30)) * 1_000_000n; };
  const head = (channel) => ({ channel, client_id: '', timestamp: iso(), sequence_num: seq++ });
  emit({ ...head('subscriptions'), events: [{ subscriptions: { level2: ['BTC-USD'] } }] });
  emit({ ...head('l2_data'), events: [{ type: 'snapshot', product_id: 'BTC-USD', updates: [...sorted(b.bids, true).map(([p, s]) => ({ side: 'bid', event_time: '1970-01-01T00:00:00Z', price_level: p, new_quantity: s })), ...sorted(b.asks, false).map(([p, s]) => ({ side: 'offer', event_time: '1970-01-01T00:00:00Z', price_level: p, new_quantity: s }))] }] });
  emit({ ...head('subscriptions'), events: [{ subscriptions: { level2: ['BTC-USD'], market_trades: ['BTC-USD'] } }] });
  emit({ ...head('market_trades'), events: [{ type: 'snapshot', trades: [{ trade_id: '487311000', product_id: 'BTC-USD', price: best(b.asks, false)[0], size: '0.0125', side: 'SELL', time: iso() }] }] });
  emit({ ...head('subscriptions'), events: [{ subscriptions: { level2: ['BTC-USD'], market_trades: ['BTC-USD'], ticker: ['BTC-USD'] } }] });
  const ticker = (type) => { const [bp, bs] = best(b.bids, true); const [ap, as] = best(b.asks, false); emit({ ...head('ticker'), events: [{ type, tickers: [{ type: 'ticker', product_id: 'BTC-USD', price: ap, volume_24_h: '16038.28770938', low_24_h: '21835.29', high_24_h: '23011.18', low_52_w: '15460', high_52_w: '48240', price_percent_chg_24_h: '-4.15775596190603', best_bid: bp, best_bid_quantity: bs, best_ask: ap, best_ask_quantity: as }] }] }); };
  ticker('snapshot');
  let tradeId = 487311001;
  for (let k = 0; k < 70; k++) {
    const r = rnd();
    if (r < 0.05) { emit({ ...head('heartbeats'), events: [{ current_time: iso().replace('T', ' ').replace('Z', ' +0000 UTC'), heartbeat_counter: String(k) }] }); continue; }
    if (r < 0.15) { const buy = rnd() < 0.5; emit({ ...head('market_trades'), events: [{ type: 'update', trades: [{ trade_id: String(tradeId++), product_id: 'BTC-USD', price: best(buy ? b.bids : b.asks, buy)[0], size: size(), side: buy ? 'BUY' : 'SELL', time: iso() }] }] }); continue; }
    const n = 1 + pick(3); const ups = [];
    for (let i = 0; i < n; i++) { const [bid, p, s] = change(b, 0.01, 2); ups.push({ side: bid ? 'bid' : 'offer', event_time: iso(), price_level: p, new_quantity: s }); }
    emit({ ...head('l2_data'), events: [{ type: 'update', product_id: 'BTC-USD', updates: ups }] });
    if (rnd() < 0.3) ticker('update');
  }
  writeFileSync(join(import.meta.dirname, 'coinbase-advanced-btcusd.raw.jsonl'), lines.join('\n') + '\n');
  console.log('advanced lines', lines.length);
}

// ---- Exchange feed ETH-USD, plain JSON lines (l2update prices padded to 8 decimals as in the docs) ----
{
  const b = book(1285.1, 0.01, 2);
  let us = Date.parse('2022-10-19T23:28:20.000Z') * 1000;
  const iso = () => new Date(Math.floor(us / 1000)).toISOString().slice(0, 23) + String(us % 1000).padStart(3, '0') + 'Z';
  const lines = [];
  lines.push(JSON.stringify({ type: 'subscriptions', channels: [{ name: 'level2_batch', product_ids: ['ETH-USD'] }, { name: 'ticker', product_ids: ['ETH-USD'] }, { name: 'matches', product_ids: ['ETH-USD'] }] }));
  lines.push(JSON.stringify({ type: 'snapshot', product_id: 'ETH-USD', bids: sorted(b.bids, true), asks: sorted(b.asks, false), time: iso() }));
  let seq = 37475248700; let tid = 370843390;
  const [lp] = best(b.asks, false);
  lines.push(JSON.stringify({ type: 'last_match', trade_id: tid++, maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8', taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1', side: 'sell', size: '0.5', price: lp, product_id: 'ETH-USD', sequence: seq++, time: iso() }));
  for (let k = 0; k < 50; k++) {
    us += 1000 + pick(80000);
    const r = rnd();
    if (r < 0.2) {
      const makerSide = rnd() < 0.5 ? 'buy' : 'sell'; const p = best(makerSide === 'buy' ? b.bids : b.asks, makerSide === 'buy')[0]; const s = size();
      lines.push(JSON.stringify({ type: 'match', trade_id: tid, maker_order_id: '7e0f0f0e-8c4a-4d3b-9a0e-5b1f2c3d4e5f', taker_order_id: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b', side: makerSide, size: s, price: p, product_id: 'ETH-USD', sequence: seq++, time: iso() }));
      const [bp, bs] = best(b.bids, true); const [ap, as] = best(b.asks, false);
      lines.push(JSON.stringify({ type: 'ticker', sequence: seq++, product_id: 'ETH-USD', price: p, open_24h: '1310.79', volume_24h: '245532.79269678', low_24h: '1280.52', high_24h: '1313.8', volume_30d: '9788783.60117027', best_bid: bp, best_bid_size: bs, best_ask: ap, best_ask_size: as, side: makerSide === 'buy' ? 'sell' : 'buy', time: iso(), trade_id: tid++, last_size: s }));
      continue;
    }
    const n = 1 + pick(3); const changes = [];
    for (let i = 0; i < n; i++) { const [bid, p, s] = change(b, 0.01, 2); changes.push([bid ? 'buy' : 'sell', Number(p).toFixed(8), s]); }
    lines.push(JSON.stringify({ type: 'l2update', product_id: 'ETH-USD', changes, time: iso() }));
  }
  writeFileSync(join(import.meta.dirname, 'coinbase-exchange-ethusd.jsonl'), lines.join('\n') + '\n');
  console.log('exchange lines', lines.length);
}
