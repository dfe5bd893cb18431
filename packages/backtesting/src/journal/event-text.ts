/**
 * Journal events as text people and tools read (`chassis events`):
 * - eventJson: the event as a plain JSON object — every field, bigints (timestamps, update ids,
 *   fees) as decimal strings, a book_delta's level columns as `levels: [[side, priceUnits,
 *   qtyUnits], ...]` with side "bid" | "ask" (qty 0 = level removed).
 * - eventLine: one line, `seq tsLocal(ISO, ns) kind field=value ...`, the levels summarised.
 * Prices and quantities stay in the instrument's integer units, as the journal holds them.
 */
import type { Event } from '@chassis/core';
import { nsToIso } from '@chassis/storage';

const SHOWN_LEVELS = 3;

function levels(e: Extract<Event, { kind: 'book_delta' }>): [string, number, number][] {
  const rows: [string, number, number][] = [];
  for (let i = e.offset; i < e.offset + e.count; i++)
    rows.push([e.sides[i] === 0 ? 'bid' : 'ask', e.prices[i]!, e.sizes[i]!]);
  return rows;
}

export function eventJson(e: Event): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (e.kind === 'book_delta' && (k === 'sides' || k === 'prices' || k === 'sizes' || k === 'offset')) continue;
    out[k] = typeof v === 'bigint' ? v.toString() : v;
  }
  if (e.kind === 'book_delta') out.levels = levels(e);
  return out;
}

function text(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return s === '' || /[\s"=]/.test(s) ? JSON.stringify(s) : s;
}

export function eventLine(e: Event): string {
  const parts = [String(e.seq), nsToIso(e.tsLocalNs), e.kind];
  if (e.tsEventNs !== e.tsLocalNs) parts.push(`tsEvent=${nsToIso(e.tsEventNs)}`);
  for (const [k, v] of Object.entries(eventJson(e))) {
    if (k === 'seq' || k === 'kind' || k === 'tsLocalNs' || k === 'tsEventNs' || k === 'levels' || k === 'count')
      continue;
    parts.push(`${k}=${text(v)}`);
  }
  if (e.kind === 'book_delta') {
    const rows = levels(e);
    const shown = rows.slice(0, SHOWN_LEVELS).map(([side, p, q]) => `${side} ${p}x${q}`);
    parts.push(
      `levels=${rows.length}${rows.length ? ` [${shown.join(', ')}${rows.length > SHOWN_LEVELS ? ', …' : ''}]` : ''}`,
    );
  }
  return parts.join(' ');
}
