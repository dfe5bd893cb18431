// @ts-nocheck
import type { CanonicalKind, CheckResult } from '@chassis/storage';

/** A counting check: how many findings, where the first one was, and which kinds it concerns. */
export class CheckCounter {
  count = 0;
  location: string | undefined;
  firstDetail: string | undefined;
  constructor(
    readonly name: string,
    readonly kinds: readonly CanonicalKind[],
  ) {}

  hit(location: string, detail: string): void {
    if (this.count === 0) {
      this.location = location;
      this.firstDetail = detail;
    }
    this.count++;
  }

  result(status: CheckResult['status'], summary: string): CheckResult {
    return {
      name: this.name,
      status,
      count: this.count,
      detail: this.count > 0 && this.firstDetail ? `${summary}; first: ${this.firstDetail}` : summary,
      ...(this.location ? { location: this.location } : {}),
    };
  }
}
