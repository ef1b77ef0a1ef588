/** Plain-text tables for the results on stdout. */

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Right-align these columns (numbers). */
  numeric?: number[];
  notes?: string[];
}

/** A target and whether a measurement meets it; reported, never enforced. */
export interface Check {
  name: string;
  measured: string;
  target: string;
  pass: boolean;
  note?: string;
}

export function formatTable(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const numeric = new Set(table.numeric ?? []);
  const line = (cells: string[]) =>
    cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [table.title, '='.repeat(table.title.length), line(table.headers), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of table.rows) out.push(line(row));
  for (const note of table.notes ?? []) out.push(`  * ${note}`);
  return out.join('\n');
}

export function checksTable(checks: Check[]): Table {
  return {
    title: 'Targets (reported, not enforced)',
    headers: ['check', 'measured', 'target', 'result', 'note'],
    rows: checks.map((check) => [check.name, check.measured, check.target, check.pass ? 'PASS' : 'MISS', check.note ?? '']),
    numeric: [1],
  };
}

export const fmt = {
  int: (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-'),
  ms: (value: number) => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms` : '-'),
  pct: (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '-'),
  /** Bytes as decimal megabytes (10^6), the stricter reading of a "MB" target. */
  mb: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : '-'),
};

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
