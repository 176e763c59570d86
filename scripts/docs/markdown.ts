/**
 * What every docs check shares: where the Markdown files are, their lines
 * (knowing which are inside fenced code), inline code masked out, pipe
 * tables, and the problem each check reports (file, line, message).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface Problem {
  /** Path relative to the repository root, with forward slashes. */
  readonly file: string;
  /** 1-based line number; 0 when the problem is about the whole file. */
  readonly line: number;
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return problem.line > 0 ? `${problem.file}:${problem.line}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

/** Folders that hold no project docs: dependencies, build output, VCS data. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'coverage']);

/** Every Markdown file under `root`, skipping node_modules and dot-folders (.git, .serverless, ...). */
export function findMarkdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
        walk(path.join(dir, entry.name));
      } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) {
        found.push(toPosix(path.relative(root, path.join(dir, entry.name))));
      }
    }
  };
  walk(root);
  return found.sort();
}

export function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

export interface SourceLine {
  /** 1-based. */
  readonly number: number;
  readonly text: string;
  /** True inside a fenced code block (including the fence lines). */
  readonly inFence: boolean;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function splitLines(markdown: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, index) => {
    const match = FENCE.exec(text);
    if (fence === undefined && match) {
      fence = match[1];
      lines.push({ number: index + 1, text, inFence: true });
      return;
    }
    if (fence !== undefined) {
      const closing = match && match[1][0] === fence[0] && match[1].length >= fence.length && text.trim() === match[1];
      lines.push({ number: index + 1, text, inFence: true });
      if (closing) fence = undefined;
      return;
    }
    lines.push({ number: index + 1, text, inFence: false });
  });
  return lines;
}

/** Blanks out inline code spans (`like this`) so their contents are not read as links. */
export function maskInlineCode(text: string): string {
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => ' '.repeat(span.length));
}

/** A link target that leaves the repository: a URL scheme (https:, mailto:) or a protocol-relative //host. */
export const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

export interface TableRow {
  readonly line: number;
  readonly cells: string[];
}

export interface MarkdownTable {
  readonly headerLine: number;
  readonly header: string[];
  readonly rows: TableRow[];
}

function tableCells(text: string): string[] {
  let inner = text.trim();
  if (inner.startsWith('|')) inner = inner.slice(1);
  if (inner.endsWith('|') && !inner.endsWith('\\|')) inner = inner.slice(0, -1);
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

const TABLE_DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** Every pipe table in a Markdown file, outside code blocks. */
export function extractTables(markdown: string): MarkdownTable[] {
  const lines = splitLines(markdown);
  const tables: MarkdownTable[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i];
    const delimiter = lines[i + 1];
    if (head.inFence || delimiter.inFence || !head.text.includes('|') || !TABLE_DELIMITER.test(delimiter.text)) continue;
    const rows: TableRow[] = [];
    let j = i + 2;
    while (j < lines.length && !lines[j].inFence && lines[j].text.includes('|') && lines[j].text.trim() !== '') {
      rows.push({ line: lines[j].number, cells: tableCells(lines[j].text) });
      j++;
    }
    tables.push({ headerLine: head.number, header: tableCells(head.text), rows });
    i = j - 1;
  }
  return tables;
}
