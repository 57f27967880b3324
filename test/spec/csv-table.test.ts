import { describe, expect, test } from 'vitest';
import { readCsv } from '../../src/spec/csv-table.js';

describe('readCsv', () => {
  test('a BOM, CRLF line ends and quoted fields holding commas, quotes and line breaks', () => {
    const text = '\uFEFFid,text.en\r\na,"Hello,\r\n""world"""\r\nb,plain\r\n';
    const read = readCsv(text, 's.csv');
    expect(read.table).toEqual({
      header: ['id', 'text.en'],
      rows: [
        { row: 2, cells: ['a', 'Hello,\r\n"world"'] },
        { row: 3, cells: ['b', 'plain'] },
      ],
    });
  });

  test('rows are numbered as records, the header being row 1, a multi-line cell counting once', () => {
    const read = readCsv('id,text\na,"one\ntwo\nthree"\nb,x\n', 's.csv');
    expect(read.table?.rows.map((r) => r.row)).toEqual([2, 3]);
  });

  test('empty cells stay empty strings', () => {
    expect(readCsv('id,text,notes\na,,\n', 's.csv').table?.rows[0]?.cells).toEqual(['a', '', '']);
  });

  test('a row with more or fewer cells than the header: an error at that row', () => {
    const read = readCsv('id,text\na,b\nc,d,e\n', 's.csv');
    expect(read.diagnostic).toMatchObject({ file: 's.csv', line: 3, col: 1, code: 'E_CSV_ROW', severity: 'error' });
    expect(readCsv('id,text\na\n', 's.csv').diagnostic).toMatchObject({ line: 2, code: 'E_CSV_ROW' });
  });

  test('a quote that never closes: an error at the row it opened in', () => {
    const read = readCsv('id,text\na,b\nc,"open\nd,e\n', 's.csv');
    expect(read.diagnostic).toMatchObject({ line: 3, code: 'E_CSV' });
    expect(read.diagnostic?.message).toMatch(/quote/i);
  });

  test('a quote inside an unquoted field: an error at its row and column', () => {
    expect(readCsv('id,text\na,b"c\n', 's.csv').diagnostic).toMatchObject({ line: 2, col: 2, code: 'E_CSV' });
  });

  test('an empty file has no header', () => {
    expect(readCsv('', 's.csv').diagnostic).toMatchObject({ line: 1, col: 1, code: 'E_CSV' });
    expect(readCsv('\uFEFF', 's.csv').diagnostic).toMatchObject({ code: 'E_CSV' });
  });
});
