/**
 * The bounded buffer between capture and disk. Frames are appended as raw lines, grouped into
 * runs of one recording window each (so a flush can close a window exactly at its last line),
 * interleaved with the connection events that arrived between them. Its size is counted in
 * UTF-8 bytes of the lines, including the lines taken by a flush that has not finished writing:
 * that is the memory the recorder holds, and the bound that forces a drop when the disk cannot
 * keep up.
 */
import type { ConnectionEvent } from '@chassis/venues';

/** Lines of one window, in capture order. */
export interface LineRun {
  readonly kind: 'lines';
  readonly windowStartNs: bigint;
  lines: string[];
  bytes: number;
  firstNs: bigint;
  lastNs: bigint;
}

/** A connection event (or a drop turned into a gap) in its place among the lines. */
export interface EventItem {
  readonly kind: 'event';
  readonly windowStartNs: bigint;
  readonly event: ConnectionEvent;
}

export type BufferItem = LineRun | EventItem;

export class RecordBuffer {
  readonly limitBytes: number;
  private items: BufferItem[] = [];
  private pendingBytes = 0;
  private writingBytes = 0;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  /** Bytes held: waiting plus being written. */
  get bytes(): number {
    return this.pendingBytes + this.writingBytes;
  }

  /** Bytes waiting for the next flush. */
  get waitingBytes(): number {
    return this.pendingBytes;
  }

  get fill(): number {
    return this.bytes / this.limitBytes;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Appends a line unless that would exceed the limit; false = the caller must drop it (as a gap). */
  tryAppend(windowStartNs: bigint, line: string, bytes: number, tsNs: bigint): boolean {
    if (this.bytes + bytes > this.limitBytes) return false;
    const last = this.items[this.items.length - 1];
    if (last !== undefined && last.kind === 'lines' && last.windowStartNs === windowStartNs) {
      last.lines.push(line);
      last.bytes += bytes;
      last.lastNs = tsNs;
    } else {
      this.items.push({ kind: 'lines', windowStartNs, lines: [line], bytes, firstNs: tsNs, lastNs: tsNs });
    }
    this.pendingBytes += bytes;
    return true;
  }

  /** Events are never dropped: they are few and say what happened to the data. */
  appendEvent(windowStartNs: bigint, event: ConnectionEvent): void {
    this.items.push({ kind: 'event', windowStartNs, event });
  }

  /** Hands everything waiting to a flush; its bytes count until `written`. */
  take(): BufferItem[] {
    const items = this.items;
    this.items = [];
    this.writingBytes += this.pendingBytes;
    this.pendingBytes = 0;
    return items;
  }

  /** A flush finished writing `bytes` of what it took. */
  written(bytes: number): void {
    this.writingBytes -= bytes;
  }
}
