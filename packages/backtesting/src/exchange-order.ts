/**
 * The exchange side's order over the feed window's messages: by (exchange time, feed order),
 * where a message is named by its feed sequence number (0, 1, 2, … in feed order) and its
 * exchange time (float64 ns after the feed epoch) is looked up through `timeOf`.
 *
 * Two parts, merged on pop, as in the venue's TimedQueue but on numbers: a FIFO run for
 * messages whose exchange time is ≥ the run's last (the common case: feed latency varies little
 * between consecutive messages, so pushes land here in O(1)), and a binary min-heap for the
 * messages that come earlier than the FIFO's last time (a latency spike's aftermath).
 */
export class ExchangeOrder {
  // FIFO part: a growable ring of feed sequence numbers, in increasing seq and non-decreasing time.
  private fifo = new Float64Array(1024);
  private fHead = 0;
  private fSize = 0;
  private lastFifoTime = -Infinity;
  // Heap part: feed sequence numbers.
  private readonly heap: number[] = [];

  constructor(
    /** Exchange time (ns after the epoch) of the message with feed sequence number `seq`. */
    private readonly timeOf: (seq: number) => number,
  ) {}

  get size(): number {
    return this.fSize + this.heap.length;
  }

  /** Adds message `seq` (larger than every seq pushed before) at exchange time `timeRel`. */
  push(seq: number, timeRel: number): void {
    if (this.fSize === 0 || timeRel >= this.lastFifoTime) {
      if (this.fSize === this.fifo.length) this.grow();
      this.fifo[(this.fHead + this.fSize) & (this.fifo.length - 1)] = seq;
      this.fSize++;
      this.lastFifoTime = timeRel;
      return;
    }
    const heap = this.heap;
    let i = heap.length;
    heap.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      const t = heap[i]!;
      heap[i] = heap[parent]!;
      heap[parent] = t;
      i = parent;
    }
  }

  /** The clock's epoch moved `deltaRel` ns forward: every time `timeOf` returns moved back by it. */
  rebase(deltaRel: number): void {
    this.lastFifoTime -= deltaRel;
  }

  /** Feed sequence number of the next message by (exchange time, seq), or -1 when empty. */
  peek(): number {
    // One load per side whatever is empty: an empty FIFO (rare, at the end) runs no load of its own
    // that optimised code would lack type feedback for.
    const f = this.fSize === 0 ? -1 : this.fifo[this.fHead]!;
    const h = this.heap.length > 0 ? this.heap[0]! : -1;
    if (h < 0 || f < 0) return h < 0 ? f : h;
    return this.less(h, f) ? h : f;
  }

  /** Removes and returns the next message's seq (callers check `size` first). */
  pop(): number {
    if (this.fSize === 0 || (this.heap.length > 0 && this.less(this.heap[0]!, this.fifo[this.fHead]!))) return this.popHeap();
    const seq = this.fifo[this.fHead]!;
    this.fHead = (this.fHead + 1) & (this.fifo.length - 1);
    this.fSize--;
    return seq;
  }

  private less(a: number, b: number): boolean {
    const ta = this.timeOf(a);
    const tb = this.timeOf(b);
    return ta < tb || (ta === tb && a < b);
  }

  private popHeap(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < n && this.less(heap[l]!, heap[m]!)) m = l;
        if (r < n && this.less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        const t = heap[i]!;
        heap[i] = heap[m]!;
        heap[m] = t;
        i = m;
      }
    }
    return top;
  }

  private grow(): void {
    const old = this.fifo;
    const next = new Float64Array(old.length * 2);
    for (let k = 0; k < this.fSize; k++) next[k] = old[(this.fHead + k) & (old.length - 1)]!;
    this.fifo = next;
    this.fHead = 0;
  }
}
