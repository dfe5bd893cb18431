import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendHistory, HISTORY_LINES, historyFilePath, readHistory } from './history-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const freshFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'chassis-sql-history-'));
  dirs.push(dir);
  return join(dir, 'history');
};

describe('sql history file', () => {
  it('hands lines back newest first, as node:readline wants them', () => {
    const file = freshFile();
    for (const line of ['select 1;', 'select 2;', '.tables']) appendHistory(file, line);
    expect(readHistory(file)).toEqual(['.tables', 'select 2;', 'select 1;']);
  });

  it('keeps only the newest HISTORY_LINES lines when read', () => {
    const file = freshFile();
    for (let i = 0; i < HISTORY_LINES + 3; i++) appendHistory(file, `select ${i};`);
    const history = readHistory(file);
    expect(history).toHaveLength(HISTORY_LINES);
    expect(history[0]).toBe(`select ${HISTORY_LINES + 2};`);
    expect(history.at(-1)).toBe('select 3;');
  });

  it('is no history, not an error, when the file cannot be read or written', () => {
    const file = join(freshFile(), 'missing-dir', 'history');
    expect(readHistory(file)).toEqual([]);
    expect(() => appendHistory(file, 'select 1;')).not.toThrow();
  });

  it('stores a line with an embedded line break as one line', () => {
    const file = freshFile();
    appendHistory(file, 'select\n1;');
    expect(readFileSync(file, 'utf8')).toBe('select 1;\n');
  });

  it('lives in $CHASSIS_SQL_HISTORY, else in the home directory', () => {
    expect(historyFilePath({ CHASSIS_SQL_HISTORY: '/tmp/h' })).toBe('/tmp/h');
    expect(historyFilePath({})).toMatch(/\.chassis_sql_history$/);
  });
});
