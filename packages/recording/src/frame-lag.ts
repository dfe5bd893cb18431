/**
 * Venue event time of a frame, for the lag metric (capture time − event time), read without
 * parsing: the first `"E":<ms>` (Binance), `"ts":"<ms>"` (OKX) or `"ts":<ms>` (Bybit) in the
 * text. Approximate by design — it feeds a histogram, never the data.
 */
const EVENT_MS = /"(?:E|ts)":"?(\d{13})(?!\d)/;

/** Capture − event time in ms, or null when the frame names no event time. */
export function frameLagMs(text: string, tsCaptureNs: bigint): number | null {
  const m = EVENT_MS.exec(text);
  if (m === null) return null;
  return Number(tsCaptureNs / 1_000_000n) - Number(m[1]);
}
