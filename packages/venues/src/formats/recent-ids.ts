/**
 * Trade ids seen lately, for venues whose trade ids are not ordered (UUIDs, match ids) or that
 * replay recent trades on (re)subscribe: a repeat is found against the last `capacity` ids, the
 * oldest forgotten first, so memory stays bounded over a day of trades.
 */
export class RecentIds<T extends string | number> {
  private readonly ids = new Set<T>();

  constructor(private readonly capacity = 10_000) {}

  /** True when `id` is among the recent ids; otherwise remembers it and answers false. */
  seen(id: T): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return false;
  }
}
