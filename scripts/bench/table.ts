import type { SectionOutcome, Unit } from './figures';
import { summaryOf } from './figures';

const DECIMALS: Record<Unit, number> = { s: 2, ms: 0, KB: 1, MB: 1, 'orders/s': 0, count: 0, ratio: 1 };

export function formatValue(value: number, unit: Unit): string {
  const digits = unit === 'ms' && value < 10 ? 1 : DECIMALS[unit];
  const number = value.toFixed(digits);
  if (unit === 'count') return number;
  if (unit === 'ratio') return `${number}×`;
  return `${number} ${unit}`;
}

/** A plain-text table with columns padded to their widest cell; the first row is the header. */
export function alignColumns(rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * Section | Figure | Median | Min | Max | Runs (and, given `changes` from
 * --compare, the median's change against a reference run), then a line per
 * failed section saying why (its first line; the JSON has all).
 */
/** One figure's row, without the comparison column: section, figure, median, min, max, runs. */
function figureCells(section: string, figure: SectionOutcome['figures'][number]): string[] {
  const s = summaryOf(figure);
  return [section, figure.name, formatValue(s.median, figure.unit), formatValue(s.min, figure.unit), formatValue(s.max, figure.unit), String(s.runs)];
}

export function renderTable(outcomes: readonly SectionOutcome[], changes?: readonly string[]): string {
  const rows: string[][] = [['Section', 'Figure', 'Median', 'Min', 'Max', 'Runs', ...(changes ? ['vs reference'] : [])]];
  for (const outcome of outcomes) {
    for (const figure of outcome.figures) {
      if (figure.samples.length === 0) continue;
      const change = changes ? [changes[rows.length - 1] ?? ''] : [];
      rows.push([...figureCells(outcome.section, figure), ...change]);
    }
  }
  const failures = outcomes.filter((o) => o.error !== undefined).map((o) => `FAILED ${o.section}: ${o.error?.split('\n')[0]}`);
  return [alignColumns(rows, [2, 3, 4, 5, 6]), ...(failures.length > 0 ? ['', ...failures] : [])].join('\n');
}

/** The same figures as a Markdown table, for pasting a reference run into docs/benchmarks.md. */
export function renderMarkdownTable(outcomes: readonly SectionOutcome[]): string {
  const lines = ['| Section | Figure | Median | Min | Max | Runs |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const outcome of outcomes) {
    for (const figure of outcome.figures) {
      if (figure.samples.length === 0) continue;
      const cells = figureCells(outcome.section, figure);
      lines.push(`| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`);
    }
    if (outcome.error !== undefined) lines.push(`| ${outcome.section} | FAILED: ${outcome.error.split('\n')[0].replace(/\|/g, '\\|')} | | | | |`);
  }
  return lines.join('\n');
}
