/**
 * A binary min-heap of items keyed by (time ns, insertion order): the earliest time first, and
 * among equal times the one pushed first. Used for requests in flight to the exchange and for
 * answers in flight back to the local side (latencies may vary per request, so arrival order
 * is not production order).
 */
export class TimedQueue<T> {
  private times: bigint[] = [];
  private orders: number[] = [];
  private items: T[] = [];
  private pushed = 0;

  get size(): number {
    return this.items.length;
  }

  push(timeNs: bigint, item: T): void {
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

  /** Earliest time, or -1n when empty. */
  peekTime(): bigint {
    return this.items.length > 0 ? this.times[0]! : -1n;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
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
