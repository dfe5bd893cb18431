/**
 * Lines typed or piped into `chassis sql` gathered into statements: a statement is complete when
 * its last character outside string literals, quoted identifiers and comments is `;` — so a
 * `;` inside 'a;b', "x;y", -- a comment; or /* one; *\/ does not end it.
 */
type Scan = 'code' | 'single' | 'double' | 'line-comment' | 'block-comment';

/** true when `text` ends (ignoring trailing whitespace and comments) with a `;` in code. */
export function endsStatement(text: string): boolean {
  let state: Scan = 'code';
  let lastCode = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    switch (state) {
      case 'code':
        if (c === "'" || c === '"') {
          state = c === "'" ? 'single' : 'double';
          lastCode = c;
        } else if (c === '-' && next === '-') {
          state = 'line-comment';
          i++;
        } else if (c === '/' && next === '*') {
          state = 'block-comment';
          i++;
        } else if (!/\s/.test(c)) lastCode = c;
        break;
      // A doubled quote ('it''s') closes and reopens: the same state afterwards.
      case 'single':
        if (c === "'") state = 'code';
        break;
      case 'double':
        if (c === '"') state = 'code';
        break;
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
    }
  }
  return (state === 'code' || state === 'line-comment') && lastCode === ';';
}

/** Accumulates lines; `push` returns the statement text once it is complete. */
export class StatementBuffer {
  private lines: string[] = [];

  /** true while a statement has started but not ended (the prompt shows a continuation). */
  get pending(): boolean {
    return this.lines.length > 0;
  }

  push(line: string): string | null {
    if (!this.pending && line.trim() === '') return null;
    this.lines.push(line);
    const text = this.lines.join('\n');
    if (!endsStatement(text)) return null;
    this.lines = [];
    return text;
  }

  /** What is left at the end of input (a last statement without `;`), emptying the buffer. */
  flush(): string | null {
    const text = this.lines.join('\n');
    this.lines = [];
    return text.trim() === '' ? null : text;
  }
}
