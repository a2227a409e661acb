/**
 * Exports of the standards dashboard: the same figures as the page, as CSV (RFC 4180, guarded
 * against spreadsheet formula injection) and as an XLSX workbook (exceljs).
 */
import ExcelJS from 'exceljs';

export type Cell = string | number | null;

/**
 * One CSV field: a text starting with =, +, - or @ (or a tab or carriage return) is prefixed with '
 * so a spreadsheet does not run it as a formula; a field with a comma, quote or line break is quoted,
 * quotes doubled. Numbers are written as they are.
 */
export function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows as CSV with CRLF line ends and a byte-order mark (so Excel reads UTF-8). */
export function toCsv(rows: Cell[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Rows as one worksheet: the first row is the header (bold, frozen); numbers stay numbers. */
export async function toXlsx(sheetName: string, rows: Cell[][]): Promise<Buffer> {
  return toWorkbook([{ name: sheetName, rows }]);
}

/** Several worksheets in one workbook, each as toXlsx makes it. */
export async function toWorkbook(sheets: { name: string; rows: Cell[][]; widths?: number[] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Assure';
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name.replace(/[*?:\\/[\]]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    // exceljs treats a text starting with = as a string, not a formula: no guard needed here
    for (const r of sheet.rows) ws.addRow(r.map((c) => (c === null ? null : c)));
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c, i) => {
      c.width = sheet.widths?.[i] ?? (i < 2 ? 48 : 14);
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
