// Generator of the Kraken fixtures beside it (run: node generate-X.mjs; deterministic seed): an exchange-side full book, the
// subscriber's view truncated to depth 10, checksums from the exchange's own top 10.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
let seed = 14;
const rnd = () => { seed = (seed + 0x6d2b79f5) | 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (n) => Math.floor(rnd() * n);
function crcBitwise(str) { let c = 0xffffffff; for (const ch of Buffer.from(str, 'latin1')) { c ^= ch; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1; } return (c ^ 0xffffffff) >>> 0; }
const strip = (t) => t.replace('.', '').replace(/^0+/, '');
function checksum(asks, bids) { return crcBitwise([...asks.slice(0, 10), ...bids.slice(0, 10)].map(([p, v]) => strip(p) + strip(v)).join('')); }

function makeBook(mid, tick, pd, vd) {
  const bids = [], asks = [];
  for (let i = 0; i < 20; i++) {
    bids.push([(mid - tick * (1 + i * 2 + pick(2))).toFixed(pd), (0.01 + rnd() * 3).toFixed(vd)]);
    asks.push([(mid + tick * (1 + i * 2 + pick(2))).toFixed(pd), (0.01 + rnd() * 3).toFixed(vd)]);
  }
  return { bids, asks };
}
const sortSide = (side, desc) => side.sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));

/** One exchange event on one side; returns the visible changes [price, volume, republish?]. */
function step(book, sideName, tick, pd, vd) {
  const desc = sideName === 'bids';
  const side = book[sideName];
  // Levels beyond the subscribed depth change unseen: a subscriber that keeps what was pushed
  // out of depth (instead of truncating) holds a stale level when one is republished.
  if (side.length > 12 && rnd() < 0.5) side.splice(10 + pick(side.length - 10), 1);
  if (side.length < 14) { const last = Number(side[side.length - 1][0]); side.push([(desc ? last - tick * (1 + pick(3)) : last + tick * (1 + pick(3))).toFixed(pd), (0.01 + rnd() * 3).toFixed(vd)]); }
  const r = rnd();
  const out = [];
  if (r < 0.4) { // change a visible level's volume
    const i = pick(10); side[i] = [side[i][0], (0.01 + rnd() * 3).toFixed(vd)]; out.push([...side[i]]);
  } else if (r < 0.65) { // delete a visible level: the new 10th is republished
    const i = pick(10); const [p] = side.splice(i, 1)[0]; out.push([p, (0).toFixed(vd)]);
    if (side.length >= 10) out.push([...side[9], 'r']);
  } else { // insert a new level between visible levels (one falls out of depth 10 silently)
    const i = pick(9); const a = Number(side[i][0]), b = Number(side[i + 1][0]);
    const gap = Math.round(Math.abs(a - b) / tick);
    if (gap < 2) { side[i] = [side[i][0], (0.01 + rnd() * 3).toFixed(vd)]; out.push([...side[i]]); return out; }
    const p = (desc ? a - tick * (1 + pick(gap - 1)) : a + tick * (1 + pick(gap - 1))).toFixed(pd);
    side.push([p, (0.01 + rnd() * 3).toFixed(vd)]); sortSide(side, desc); out.push([p, side.find((l) => l[0] === p)[1]]);
  }
  return out;
}

// ---- v1 XBT/USD book-10 (ns-json) ----
{
  const pd = 5, vd = 8, tick = 0.1;
  const book = makeBook(37000, tick, pd, vd);
  sortSide(book.bids, true); sortSide(book.asks, false);
  let ns = 1700000000_000000000n; let ts = 1700000000.0;
  const lines = [];
  const t6 = () => ts.toFixed(6);
  const next = () => { ns += BigInt(1 + pick(40)) * 1_000_000n; ts += 0.001 + rnd() * 0.04; };
  lines.push(`${ns} {"connectionID":1,"event":"systemStatus","status":"online","version":"1.9.1"}`); next();
  lines.push(`${ns} {"channelID":336,"channelName":"book-10","event":"subscriptionStatus","pair":"XBT/USD","status":"subscribed","subscription":{"depth":10,"name":"book"}}`); next();
  const lvl = (l) => (l.length === 3 ? [l[0], l[1], t6(), 'r'] : [l[0], l[1], t6()]);
  lines.push(`${ns} ${JSON.stringify([336, { as: book.asks.slice(0, 10).map((l) => [l[0], l[1], t6()]), bs: book.bids.slice(0, 10).map((l) => [l[0], l[1], t6()]) }, 'book-10', 'XBT/USD'])}`);
  let tradeCount = 0;
  for (let k = 0; k < 60; k++) {
    next();
    const which = rnd();
    if (which < 0.1) { // a trade at the best level
      const buy = rnd() < 0.5; const l = buy ? book.asks[0] : book.bids[0];
      lines.push(`${ns} ${JSON.stringify([337, [[l[0], (0.001 + rnd() * 0.2).toFixed(8), t6(), buy ? 'b' : 's', 'm', '']], 'trade', 'XBT/USD'])}`); tradeCount++;
      continue;
    }
    if (which < 0.17) {
      lines.push(`${ns} ${JSON.stringify([338, [book.bids[0][0], book.asks[0][0], t6(), book.bids[0][1], book.asks[0][1]], 'spread', 'XBT/USD'])}`);
      continue;
    }
    const both = rnd() < 0.3;
    const a = which < 0.58 || both ? step(book, 'asks', tick, pd, vd) : [];
    const b = which >= 0.58 || both ? step(book, 'bids', tick, pd, vd) : [];
    const c = String(checksum(book.asks, book.bids));
    const msg = [336];
    if (a.length > 0 && b.length > 0) { msg.push({ a: a.map(lvl) }); msg.push({ b: b.map(lvl), c }); }
    else if (a.length > 0) msg.push({ a: a.map(lvl), c });
    else msg.push({ b: b.map(lvl), c });
    msg.push('book-10', 'XBT/USD');
    lines.push(`${ns} ${JSON.stringify(msg)}`);
  }
  writeFileSync(join(import.meta.dirname, 'kraken-v1-xbtusd.txt'), lines.join('\n') + '\n');
  console.log('v1 lines', lines.length, 'trades', tradeCount);
}

// ---- v2 BTC/USD book depth 10 (json-lines; numbers with the pair's full precision) ----
{
  const pd = 1, vd = 8, tick = 0.1;
  const book = makeBook(45280, tick, pd, vd);
  sortSide(book.bids, true); sortSide(book.asks, false);
  let ms = Date.parse('2024-03-01T12:00:00.000Z') * 1000; // µs
  const iso = () => new Date(Math.floor(ms / 1000)).toISOString().replace('Z', '') + String(ms % 1000).padStart(3, '0') + 'Z';
  const lines = [];
  // JSON text with numbers written at the wire's precision (trailing zeros kept).
  const lv = (l) => `{"price":${l[0]},"qty":${l[1]}}`;
  const bookMsg = (type, bids, asks) => `{"channel":"book","type":"${type}","data":[{"symbol":"BTC/USD","bids":[${bids.map(lv).join(',')}],"asks":[${asks.map(lv).join(',')}],"checksum":${checksum(book.asks, book.bids)},"timestamp":"${iso()}"}]}`;
  lines.push(`{"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2024-03-01T12:00:00.000000Z","time_out":"2024-03-01T12:00:00.000100Z"}`);
  lines.push(bookMsg('snapshot', book.bids.slice(0, 10), book.asks.slice(0, 10)));
  let id = 70000000;
  for (let k = 0; k < 40; k++) {
    ms += 1000 + pick(30000);
    const which = rnd();
    if (which < 0.1) {
      const buy = rnd() < 0.5; const l = buy ? book.asks[0] : book.bids[0];
      lines.push(`{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"${buy ? 'buy' : 'sell'}","price":${l[0]},"qty":${(0.0001 + rnd() * 0.1).toFixed(8)},"ord_type":"market","trade_id":${id++},"timestamp":"${iso()}"}]}`);
      continue;
    }
    if (which < 0.16) {
      lines.push(`{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":${book.bids[0][0]},"bid_qty":${book.bids[0][1]},"ask":${book.asks[0][0]},"ask_qty":${book.asks[0][1]},"last":${book.asks[0][0]},"volume":1523.41738215,"vwap":45102.3,"low":44800.0,"high":45500.0,"change":120.5,"change_pct":0.27}]}`);
      continue;
    }
    const a = which < 0.58 ? step(book, 'asks', tick, pd, vd).map((l) => [l[0], l[1]]) : [];
    const b = which >= 0.58 ? step(book, 'bids', tick, pd, vd).map((l) => [l[0], l[1]]) : [];
    lines.push(bookMsg('update', b, a));
  }
  writeFileSync(join(import.meta.dirname, 'kraken-v2-btcusd.jsonl'), lines.join('\n') + '\n');
  console.log('v2 lines', lines.length);
}
