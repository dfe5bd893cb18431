import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { endsStatement, StatementBuffer } from './statement-buffer.ts';

describe('statement buffer', () => {
  it('ends a statement at a semicolon in code, ignoring trailing blanks and comments', () => {
    expect(endsStatement('select 1;')).toBe(true);
    expect(endsStatement('select 1;  \n')).toBe(true);
    expect(endsStatement('select 1; -- done')).toBe(true);
    expect(endsStatement('select 1; /* done */')).toBe(true);
    expect(endsStatement('select 1')).toBe(false);
  });

  it('does not end a statement at a semicolon inside a string, a quoted identifier or a comment', () => {
    expect(endsStatement("select 'a;")).toBe(false);
    expect(endsStatement("select 'it''s;")).toBe(false);
    expect(endsStatement('select "x;')).toBe(false);
    expect(endsStatement('select 1 -- not yet;')).toBe(false);
    expect(endsStatement('select 1 /* not yet; */')).toBe(false);
    expect(endsStatement("select ';'")).toBe(false);
    expect(endsStatement("select ';';")).toBe(true);
  });

  it('gathers lines until the statement ends and hands back what is left at end of input', () => {
    const b = new StatementBuffer();
    expect(b.push('')).toBeNull();
    expect(b.pending).toBe(false);
    expect(b.push('select 1,')).toBeNull();
    expect(b.pending).toBe(true);
    expect(b.push("  ';' as s;")).toBe("select 1,\n  ';' as s;");
    expect(b.pending).toBe(false);
    expect(b.push('select 2')).toBeNull();
    expect(b.flush()).toBe('select 2');
    expect(b.flush()).toBeNull();
  });

  it('never ends a statement inside a string literal, whatever the literal holds', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const literal = `'${s.replaceAll("'", "''")}'`;
        expect(endsStatement(`select ${literal}`)).toBe(false);
        expect(endsStatement(`select ${literal};`)).toBe(true);
      }),
    );
  });
});
