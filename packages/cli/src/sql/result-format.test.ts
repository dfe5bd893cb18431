import { describe, expect, it } from 'vitest';
import type { Json } from '@duckdb/node-api';
import type { SqlResult } from '@chassis/analysis';
import { csvField, TABLE_MAX_ROWS, writeResult, type SqlFormat } from './result-format.ts';

function result(columns: [string, string][], rows: Json[][], returnsRows = true): SqlResult {
  return {
    columns: columns.map(([name, type]) => ({ name, type })),
    returnsRows,
    async *rows() {
      // Two chunks, as DuckDB streams them.
      yield rows.slice(0, 1);
      yield rows.slice(1);
    },
  };
}

async function printed(r: SqlResult, format: SqlFormat): Promise<string> {
  let text = '';
  await writeResult(r, format, { write: async (t) => void (text += t) });
  return text;
}

const sample = () =>
  result(
    [
      ['instrument', 'VARCHAR'],
      ['size', 'DECIMAL(18,3)'],
      ['ts_event_ns', 'BIGINT'],
      ['note', 'VARCHAR'],
    ],
    [
      ['BTCUSDT', '0.001', '1723075200000000001', 'a, "quoted"\nline'],
      ['ETH', '12.500', '17', null],
    ],
  );

describe('sql result formats', () => {
  it('table aligns columns, numbers to the right, NULL spelled out, a multi-line value over several lines, with a row count', async () => {
    expect(await printed(sample(), 'table')).toBe(
      [
        'instrument    size          ts_event_ns  note',
        '----------  ------  -------------------  -----------',
        'BTCUSDT      0.001  1723075200000000001  a, "quoted"',
        '                                         line',
        'ETH         12.500                   17  NULL',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('table shows CR and tab escaped so they cannot break the alignment', async () => {
    const text = await printed(result([['s', 'VARCHAR']], [['a\tb\rc']]), 'table');
    expect(text.split('\n')[2]).toBe('a\\tb\\rc');
  });

  it('csv follows RFC 4180: header, CRLF, quoted fields with doubled quotes, NULL as an empty field', async () => {
    expect(await printed(sample(), 'csv')).toBe(
      'instrument,size,ts_event_ns,note\r\nBTCUSDT,0.001,1723075200000000001,"a, ""quoted""\nline"\r\nETH,12.500,17,\r\n',
    );
  });

  it('json prints one object per line with exact decimals and 64-bit integers as strings', async () => {
    const lines = (await printed(sample(), 'json')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { instrument: 'BTCUSDT', size: '0.001', ts_event_ns: '1723075200000000001', note: 'a, "quoted"\nline' },
      { instrument: 'ETH', size: '12.500', ts_event_ns: '17', note: null },
    ]);
  });

  it('prints nothing for a statement without rows to show', async () => {
    for (const f of ['table', 'csv', 'json'] as const)
      expect(await printed(result([['Count', 'BIGINT']], [], false), f)).toBe('');
  });

  it('table shows at most TABLE_MAX_ROWS rows and says how many there were', async () => {
    const rows: Json[][] = Array.from({ length: TABLE_MAX_ROWS + 5 }, (_, i) => [i]);
    const lines = (await printed(result([['n', 'INTEGER']], rows), 'table')).trimEnd().split('\n');
    expect(lines).toHaveLength(2 + TABLE_MAX_ROWS + 1);
    expect(lines.at(-1)).toBe(
      `(${TABLE_MAX_ROWS + 5} rows, first ${TABLE_MAX_ROWS} shown; --format csv or json prints all)`,
    );
  });

  it('quotes a csv field only when it must', () => {
    expect([
      csvField('plain'),
      csvField('a,b'),
      csvField('say "hi"'),
      csvField('cr\r'),
      csvField(null),
      csvField(3),
      csvField([1, 2]),
    ]).toEqual(['plain', '"a,b"', '"say ""hi"""', '"cr\r"', '', '3', '"[1,2]"']);
  });
});
