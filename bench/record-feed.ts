/**
 * The record benchmark's input: the real Binance USD-M BTCUSDT capture (depth@0ms, trade and
 * bookTicker combined-stream messages, as Binance sent them) and the REST depth snapshot it
 * contains. Repeated `passes` times so a sample lasts long enough; each repetition shifts the
 * update ids (depth U/u/pu, bookTicker u) so the depth sequence stays unbroken across passes
 * and a recorder that checks it (pu = previous u) sees one continuous feed, not a resync per pass.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { USDM_CAPTURE_FILE } from './capture-baseline.ts';

export interface RecordFeed {
  /** WebSocket frame texts in send order. */
  readonly messages: readonly string[];
  /** Body of the REST depth snapshot (GET /fapi/v1/depth) taken during the capture. */
  readonly snapshot: string;
  /** Total UTF-8 bytes of `messages`. */
  readonly bytes: number;
}

const UPDATE_ID = /"(U|u|pu)":(\d+)/g;

/** Shifts every update id of a frame by `offset` (ids < 2^53, so numbers are exact). */
function shiftUpdateIds(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(UPDATE_ID, (_m, key: string, id: string) => `"${key}":${Number(id) + offset}`);
}

export async function loadRecordFeed(passes: number): Promise<RecordFeed> {
  const once: string[] = [];
  let snapshot = '';
  const lines = createInterface({ input: createReadStream(USDM_CAPTURE_FILE).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    const json = line.slice(line.indexOf(' ') + 1);
    if (json.startsWith('{"lastUpdateId"')) snapshot = json;
    else if (json.length > 0) once.push(json);
  }
  const depth = once.filter((m) => m.startsWith('{"stream":"btcusdt@depth'));
  const firstPu = Number(/"pu":(\d+)/.exec(depth[0]!)![1]);
  const lastU = Number(/"u":(\d+)/.exec(depth[depth.length - 1]!)![1]);
  // Pass k+1's first pu must equal pass k's last u.
  const stride = lastU - firstPu;
  const messages: string[] = [];
  for (let pass = 0; pass < passes; pass++) for (const m of once) messages.push(shiftUpdateIds(m, pass * stride));
  let bytes = 0;
  for (const m of messages) bytes += Buffer.byteLength(m);
  return { messages, snapshot, bytes };
}
