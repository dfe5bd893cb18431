/**
 * The exchange side's order over the feed window's messages: by (exchange time, feed order),
 * where a message is named by its feed sequence number (0, 1, 2, … in feed order) and pushed
 * with its exchange time (float64 ns after the feed epoch).
 *
 * Two parts, merged on pop, as in the venue's TimedQueue but on numbers: a FIFO run for
 * messages whose exchange time is ≥ the run's last (the common case: feed latency varies little
 * between consecutive messages, so pushes land here in O(1)), and a binary min-heap for the
 * messages that come earlier than the FIFO's last time (a latency spike's aftermath).
 *
 * Each part keeps the times next to the sequence numbers (parallel Float64Arrays), so a
 * comparison is two array loads: no call to look a time up (a time returned by a call that is
 * not inlined is boxed, 16 bytes per call), and `headTime` is a field.
 */
export class ExchangeOrder {
  // FIFO part: a growable ring of feed sequence numbers and their times, in increasing seq and non-decreasing time.
  private fifoSeq = new Float64Array(1024);
  private fifoTime = new Float64Array(1024);
  private fHead = 0;
  private fSize = 0;
  private lastFifoTime = -Infinity;
  // Heap part: feed sequence numbers and their times, a binary min-heap by (time, seq).
  private heapSeq = new Float64Array(64);
  private heapTime = new Float64Array(64);
  private hSize = 0;
  /** Exchange time of the next message (`peek()`), Infinity when empty. */
  headTime = Infinity;

  get size(): number {
    return this.fSize + this.hSize;
  }

  /** Adds message `seq` (larger than every seq pushed before) at exchange time `timeRel`. */
  push(seq: number, timeRel: number): void {
    if (this.fSize === 0 || timeRel >= this.lastFifoTime) {
      if (this.fSize === this.fifoSeq.length) this.growFifo();
      const k = (this.fHead + this.fSize) & (this.fifoSeq.length - 1);
      this.fifoSeq[k] = seq;
      this.fifoTime[k] = timeRel;
      this.fSize++;
      this.lastFifoTime = timeRel;
    } else {
      if (this.hSize === this.heapSeq.length) this.growHeap();
      const hs = this.heapSeq;
      const ht = this.heapTime;
      // Sift up: seq is the largest pushed so far, so it goes above a parent only by a strictly earlier time.
      let i = this.hSize++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pt = ht[parent]!;
        if (!(timeRel < pt)) break;
        hs[i] = hs[parent]!;
        ht[i] = pt;
        i = parent;
      }
      hs[i] = seq;
      ht[i] = timeRel;
    }
    // The newest message has the largest seq: it is the next one only by a strictly earlier time.
    if (timeRel < this.headTime) this.headTime = timeRel;
  }

  /** The clock's epoch moved `deltaRel` ns forward: every time kept moves back by it (order unchanged). */
  rebase(deltaRel: number): void {
    this.lastFifoTime -= deltaRel;
    this.headTime -= deltaRel;
    const mask = this.fifoTime.length - 1;
    for (let k = 0; k < this.fSize; k++) this.fifoTime[(this.fHead + k) & mask]! -= deltaRel;
    for (let i = 0; i < this.hSize; i++) this.heapTime[i]! -= deltaRel;
  }

  /** Feed sequence number of the next message by (exchange time, seq), or -1 when empty. */
  peek(): number {
    if (this.heapFirst()) return this.heapSeq[0]!;
    return this.fSize === 0 ? -1 : this.fifoSeq[this.fHead]!;
  }

  /** Removes and returns the next message's seq (callers check `size` first). */
  pop(): number {
    let seq: number;
    if (this.heapFirst()) seq = this.popHeap();
    else {
      seq = this.fifoSeq[this.fHead]!;
      this.fHead = (this.fHead + 1) & (this.fifoSeq.length - 1);
      this.fSize--;
    }
    if (this.heapFirst()) this.headTime = this.heapTime[0]!;
    else if (this.fSize === 0) this.headTime = Infinity;
    else this.headTime = this.fifoTime[this.fHead]!;
    return seq;
  }

  /** Whether the heap's top comes before the FIFO's head (false when the heap is empty). */
  private heapFirst(): boolean {
    if (this.hSize === 0) return false;
    if (this.fSize === 0) return true;
    const ht = this.heapTime[0]!;
    const ft = this.fifoTime[this.fHead]!;
    return ht < ft || (ht === ft && this.heapSeq[0]! < this.fifoSeq[this.fHead]!);
  }

  private popHeap(): number {
    const hs = this.heapSeq;
    const ht = this.heapTime;
    const top = hs[0]!;
    const n = --this.hSize;
    if (n > 0) {
      // Sift the last entry down from the root.
      const seq = hs[n]!;
      const time = ht[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = l;
        if (r < n && (ht[r]! < ht[l]! || (ht[r] === ht[l] && hs[r]! < hs[l]!))) m = r;
        if (!(ht[m]! < time || (ht[m] === time && hs[m]! < seq))) break;
        hs[i] = hs[m]!;
        ht[i] = ht[m]!;
        i = m;
      }
      hs[i] = seq;
      ht[i] = time;
    }
    return top;
  }

  private growFifo(): void {
    const n = this.fifoSeq.length;
    const seqs = new Float64Array(n * 2);
    const times = new Float64Array(n * 2);
    for (let k = 0; k < this.fSize; k++) {
      seqs[k] = this.fifoSeq[(this.fHead + k) & (n - 1)]!;
      times[k] = this.fifoTime[(this.fHead + k) & (n - 1)]!;
    }
    this.fifoSeq = seqs;
    this.fifoTime = times;
    this.fHead = 0;
  }

  private growHeap(): void {
    const seqs = new Float64Array(this.heapSeq.length * 2);
    const times = new Float64Array(this.heapTime.length * 2);
    seqs.set(this.heapSeq);
    times.set(this.heapTime);
    this.heapSeq = seqs;
    this.heapTime = times;
  }
}
