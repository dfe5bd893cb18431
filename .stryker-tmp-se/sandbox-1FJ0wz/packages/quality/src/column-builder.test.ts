// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { BboBatch } from '@chassis/storage';
import { ColumnBuilder } from './column-builder.ts';

describe('ColumnBuilder', () => {
  it('rescales a bid already stored in the same row when the ask of that row reveals more decimals', () => {
    const b = new ColumnBuilder('bbo');
    const i = b.row(1n, 1n);
    b.setPrice(0, i, '61744'); // 0 significant decimals so far
    b.setSize(0, i, '9.2');
    b.setPrice(1, i, '61744.1'); // now 1: the bid of this row must become 617440
    b.setSize(1, i, '0.004');
    const j = b.row(2n, 2n);
    b.setPrice(0, j, '61744.05');
    b.setSize(0, j, '1');
    b.setPrice(1, j, '61744.1');
    b.setSize(1, j, '1');
    const out = b.finish(2, 3) as BboBatch;
    expect(Array.from(out.bidPrice)).toEqual([6174400, 6174405]);
    expect(Array.from(out.askPrice)).toEqual([6174410, 6174410]);
    expect(Array.from(out.bidSize)).toEqual([9200, 1000]);
    expect(Array.from(out.askSize)).toEqual([4, 1000]);
  });
});
