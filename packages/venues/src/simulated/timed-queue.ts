/**
 * A queue of items keyed by (time ns, insertion order): the earliest time first, and among
 * equal times the one pushed first. Used for requests in flight to the exchange and for
 * answers in flight back to the local side (latencies may vary per request, so arrival order
 * is not production order).
 *
 * Two parts, merged on pop: a FIFO run for items pushed in time order (the common case: the
 * venue's sessions never let an arrival precede the previous one, so every push lands here in
 * O(1) with no sift), and a binary min-heap for items pushed earlier than the FIFO's last time.
 */
/**
 * The time of an empty queue. A constant: a `-1n` literal is a negation evaluated anew, which
 * allocates a BigInt (24 bytes) each time even in optimised code.
 */
const NONE = -1n;

export class TimedQueue<T> {
  // Heap part.
  private times: bigint[] = [];
  private orders: number[] = [];
  private items: T[] = [];
  // FIFO part: entries [fHead, fTail) in non-decreasing time and increasing insertion order.
  // Slots are reused, never truncated (truncating would free and regrow the backing stores).
  private fTimes: bigint[] = [];
  private fOrders: number[] = [];
  private fItems: (T | undefined)[] = [];
  private fHead = 0;
  private fTail = 0;
  private pushed = 0;
  /** Pushes plus pops so far: unchanged means the queue is unchanged (callers cache peekTime by it). */
  changes = 0;

  get size(): number {
    return this.items.length + this.fTail - this.fHead;
  }

  push(timeNs: bigint, item: T): void {
    this.changes++;
    const t = this.fTail;
    if (t === this.fHead || timeNs >= this.fTimes[t - 1]!) {
      if (t < this.fTimes.length) {
        this.fTimes[t] = timeNs;
        this.fOrders[t] = this.pushed++;
        this.fItems[t] = item;
      } else {
        this.fTimes.push(timeNs);
        this.fOrders.push(this.pushed++);
        this.fItems.push(item);
      }
      this.fTail = t + 1;
      return;
    }
    let i = this.items.length;
    this.times.push(timeNs);
    this.orders.push(this.pushed++);
    this.items.push(item);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Whether the next item comes from the FIFO part (false: the heap; callers check size first). */
  private fifoFirst(): boolean {
    const h = this.fHead;
    if (h === this.fTail) return false;
    if (this.items.length === 0) return true;
    const ft = this.fTimes[h]!;
    const ht = this.times[0]!;
    return ft < ht || (ft === ht && this.fOrders[h]! < this.orders[0]!);
  }

  /** Earliest time, or -1n when empty. */
  peekTime(): bigint {
    if (this.fifoFirst()) return this.fTimes[this.fHead]!;
    return this.items.length > 0 ? this.times[0]! : NONE;
  }

  peek(): T | undefined {
    return this.fifoFirst() ? this.fItems[this.fHead] : this.items[0];
  }

  pop(): T | undefined {
    this.changes++;
    if (this.fifoFirst()) {
      const h = this.fHead;
      const top = this.fItems[h]!;
      this.fItems[h] = undefined; // no reference kept to a popped item
      const next = h + 1;
      if (next === this.fTail) {
        // Drained: start again at slot 0.
        this.fHead = 0;
        this.fTail = 0;
      } else if (next >= 1024 && next * 2 >= this.fTail) {
        // Never drained but mostly popped: move the live entries to the front so slots are reused.
        this.fTimes.copyWithin(0, next, this.fTail);
        this.fOrders.copyWithin(0, next, this.fTail);
        this.fItems.copyWithin(0, next, this.fTail);
        this.fItems.fill(undefined, this.fTail - next, this.fTail);
        this.fTail -= next;
        this.fHead = 0;
      } else this.fHead = next;
      return top;
    }
    return this.popHeap();
  }

  private popHeap(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    const lastTime = this.times.pop()!;
    const lastOrder = this.orders.pop()!;
    const lastItem = this.items.pop()!;
    if (n > 1) {
      this.times[0] = lastTime;
      this.orders[0] = lastOrder;
      this.items[0] = lastItem;
      // Sift down.
      let i = 0;
      const size = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && this.less(l, m)) m = l;
        if (r < size && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.orders[a]! < this.orders[b]!);
  }

  private swap(a: number, b: number): void {
    const t = this.times[a]!;
    this.times[a] = this.times[b]!;
    this.times[b] = t;
    const o = this.orders[a]!;
    this.orders[a] = this.orders[b]!;
    this.orders[b] = o;
    const it = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = it;
  }
}
