/**
 * Minutes per lab agree with labs/labs.json (the single source), wherever a
 * table with a minutes column lists labs, and the instructor guide's agenda
 * lists every lab.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXTERNAL, type MarkdownTable, type Problem, type TableRow, extractTables, findMarkdownFiles, splitLines, toPosix } from './markdown';

export interface LabEntry {
  readonly id: unknown;
  readonly folder: string;
  readonly title: string;
  readonly minutes: number;
}

export const LABS_MANIFEST = 'labs/labs.json';
export const INSTRUCTOR_GUIDE = 'docs/instructor-guide.md';

/**
 * labs/labs.json as a list of labs; accepts a top-level array or `{ "labs": [...] }`,
 * and a folder given with or without its `labs/` prefix.
 */
export function readLabsManifest(root: string): LabEntry[] {
  const json: unknown = JSON.parse(readFileSync(path.join(root, LABS_MANIFEST), 'utf8'));
  const list = Array.isArray(json) ? json : (json as { labs?: unknown })?.labs;
  if (!Array.isArray(list)) throw new Error(`${LABS_MANIFEST} must be an array of labs or { "labs": [...] }`);
  return list.map((entry: unknown, index) => {
    const lab = entry as Partial<LabEntry>;
    if (typeof lab?.folder !== 'string' || typeof lab.minutes !== 'number') {
      throw new Error(`${LABS_MANIFEST}: lab #${index + 1} needs a "folder" string and a "minutes" number`);
    }
    // "labs/01-x", "01-x" and "01-x/" all name the same folder.
    const folder = lab.folder.replace(/^(\.\/)?labs\//, '').replace(/\/+$/, '');
    return { id: lab.id, folder, title: typeof lab.title === 'string' ? lab.title : folder, minutes: lab.minutes };
  });
}

const MINUTES_HEADER = /\bmin(?:ute)?s?\b/i;
const CELL_LINK = /\]\(\s*<?([^\s)>]+)/g;

/** The lab folder a table row links into (labs/<folder>/...), if any. */
function labFolderIn(row: TableRow, file: string): string | undefined {
  for (const cell of row.cells) {
    for (const match of cell.matchAll(CELL_LINK)) {
      const target = match[1].split('#')[0];
      if (target === '' || EXTERNAL.test(target)) continue;
      const parts = toPosix(path.normalize(path.join(path.dirname(file), target))).split('/');
      if (parts[0] === 'labs' && parts.length >= 2 && !/\.[a-z]+$/i.test(parts[1])) return parts[1];
    }
  }
  return undefined;
}

function minutesIn(cell: string | undefined): number | undefined {
  const match = /(\d+)/.exec(cell ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Minutes per lab, checked against labs/labs.json:
 * - the instructor guide must have an agenda table (a table with a minutes
 *   column under a heading containing "Agenda") that lists every lab;
 * - any Markdown table with a minutes column whose rows link to a lab folder
 *   must give that lab the manifest's minutes;
 * - a "Total" row, if present, must be the sum of the rows above it.
 */
export function checkLabMinutes(root: string, files: readonly string[] = findMarkdownFiles(root)): Problem[] {
  const problems: Problem[] = [];
  if (!existsSync(path.join(root, LABS_MANIFEST)))
    return [{ file: LABS_MANIFEST, line: 0, message: 'not found: the lab minutes in the docs cannot be checked' }];
  let labs: LabEntry[];
  try {
    labs = readLabsManifest(root);
  } catch (error) {
    return [{ file: LABS_MANIFEST, line: 0, message: (error as Error).message }];
  }
  const byFolder = new Map(labs.map((lab) => [lab.folder, lab]));

  for (const file of files) {
    const markdown = readFileSync(path.join(root, file), 'utf8');
    const tables = extractTables(markdown).filter((table) => table.header.some((cell) => MINUTES_HEADER.test(cell)));
    for (const table of tables) {
      const minutesColumn = table.header.findIndex((cell) => MINUTES_HEADER.test(cell));
      let sum = 0;
      for (const row of table.rows) {
        const isTotal = /^\W*total\b/i.test(row.cells[0] ?? '');
        const minutes = minutesIn(row.cells[minutesColumn]);
        if (isTotal) {
          if (minutes !== undefined && minutes !== sum) {
            problems.push({ file, line: row.line, message: `the Total row says ${minutes} minutes but the rows above add up to ${sum}` });
          }
          continue;
        }
        sum += minutes ?? 0;
        const folder = labFolderIn(row, file);
        if (!folder) continue;
        const lab = byFolder.get(folder);
        if (!lab) {
          problems.push({ file, line: row.line, message: `links to lab folder "${folder}", which ${LABS_MANIFEST} does not list` });
        } else if (minutes !== lab.minutes) {
          problems.push({
            file,
            line: row.line,
            message: `lab ${folder} is ${minutes ?? 'missing'} minutes here but ${lab.minutes} in ${LABS_MANIFEST}`,
          });
        }
      }
    }
  }

  const guide = path.join(root, INSTRUCTOR_GUIDE);
  if (!existsSync(guide)) {
    problems.push({ file: INSTRUCTOR_GUIDE, line: 0, message: 'not found: it must hold the agenda with minutes per lab' });
    return problems;
  }
  const agenda = findAgendaTable(readFileSync(guide, 'utf8'));
  if (!agenda) {
    problems.push({
      file: INSTRUCTOR_GUIDE,
      line: 0,
      message: 'no agenda table: expected a table with a "Minutes" column under a heading containing "Agenda"',
    });
    return problems;
  }
  const listed = new Set(agenda.rows.map((row) => labFolderIn(row, INSTRUCTOR_GUIDE)).filter((folder) => folder !== undefined));
  for (const lab of labs) {
    if (!listed.has(lab.folder)) {
      problems.push({
        file: INSTRUCTOR_GUIDE,
        line: agenda.headerLine,
        message: `the agenda does not list lab ${lab.folder} (${lab.minutes} minutes in ${LABS_MANIFEST}); link its README in a row`,
      });
    }
  }
  return problems;
}

function findAgendaTable(markdown: string): MarkdownTable | undefined {
  const lines = splitLines(markdown);
  const agendaHeading = lines.find((line) => !line.inFence && /^ {0,3}#{1,6}\s.*\bagenda\b/i.test(line.text));
  if (!agendaHeading) return undefined;
  return extractTables(markdown).find((table) => table.headerLine > agendaHeading.number && table.header.some((cell) => MINUTES_HEADER.test(cell)));
}
