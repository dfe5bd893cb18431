/**
 * Readiness: named checks the caller registers (data loaded, feeds connected, venue
 * reachable…). `/readyz` answers 200 only when every check passes. A check is either a
 * function evaluated at request time or a flag the runtime flips (`pass()` / `fail(detail)`).
 */
// @ts-nocheck

export interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ReadinessFlag {
  pass(detail?: string): void;
  fail(detail: string): void;
}

/** A check function: true/false, or a string = failing with that detail. */
export type ReadinessCheck = () => boolean | string;

export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Registers a check evaluated at every /readyz request. Names are unique. */
  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
    this.checks.set(name, check);
  }

  /** Registers a flag that starts failing with `initialDetail` until the runtime calls pass(). */
  flag(name: string, initialDetail = 'not yet'): ReadinessFlag {
    let ok = false;
    let detail = initialDetail;
    this.register(name, () => (ok ? true : detail));
    return {
      pass(d = '') {
        ok = true;
        detail = d;
      },
      fail(d: string) {
        ok = false;
        detail = d;
      },
    };
  }

  evaluate(): { ready: boolean; checks: CheckOutcome[] } {
    const checks: CheckOutcome[] = [];
    for (const [name, check] of this.checks) {
      let result: boolean | string;
      try {
        result = check();
      } catch (err) {
        result = `check threw: ${(err as Error).message}`;
      }
      checks.push({ name, ok: result === true, detail: typeof result === 'string' ? result : result ? '' : 'failing' });
    }
    return { ready: checks.every((c) => c.ok), checks };
  }
}
