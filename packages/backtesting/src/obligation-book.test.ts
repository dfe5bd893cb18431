import { describe, expect, it } from 'vitest';
import type { ControlSchedulingObligation } from '@chassis/core';
import { ObligationBook } from './obligation-book.ts';

const ob = (scope: string, dueTsLocalNs: bigint, derivedAtSeq: number): ControlSchedulingObligation => ({ scope, dueTsLocalNs, reason: 'rate_limit', derivedAtSeq });

describe('outstanding control scheduling obligations', () => {
  it('keeps only the newest obligation of a scope', () => {
    const book = new ObligationBook();
    book.record(ob('a', 100n, 1));
    book.record(ob('a', 300n, 2));
    expect(book.size).toBe(1);
    expect(book.derived).toBe(2);
    expect(book.earliestDueNs()).toBe(300n);
    expect(book.takeEarliest().derivedAtSeq).toBe(2);
    expect(book.earliestDueNs()).toBe(-1n);
  });

  it('answers the earliest due time after every change: a record, a superseding record, a take', () => {
    const book = new ObligationBook();
    expect(book.earliestDueNs()).toBe(-1n);
    book.record(ob('a', 300n, 1));
    expect(book.earliestDueNs()).toBe(300n);
    book.record(ob('b', 100n, 2));
    expect(book.earliestDueNs()).toBe(100n);
    book.record(ob('b', 500n, 3)); // supersedes b: a is the earliest now
    expect(book.earliestDueNs()).toBe(300n);
    book.takeEarliest();
    expect(book.earliestDueNs()).toBe(500n);
    book.takeEarliest();
    expect(book.earliestDueNs()).toBe(-1n);
  });

  it('realises the earliest due first, and the first-seen scope at equal due times', () => {
    const book = new ObligationBook();
    book.record(ob('a', 200n, 1));
    book.record(ob('b', 100n, 2));
    book.record(ob('c', 200n, 3));
    book.record(ob('a', 200n, 4)); // supersedes a, keeps a's place
    expect(book.takeEarliest().scope).toBe('b');
    expect(book.takeEarliest()).toMatchObject({ scope: 'a', derivedAtSeq: 4 });
    expect(book.takeEarliest().scope).toBe('c');
    expect(book.size).toBe(0);
  });
});
