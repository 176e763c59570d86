/**
 * Checks that keep the Markdown honest, run by scripts/docs/check-docs.test.ts
 * inside `npm test`:
 *
 * - every relative link (and its `#anchor`) in every Markdown file resolves,
 *   with anchors computed by GitHub's heading-slug rules;
 * - every `npm run X` (and `npm start` / `npm test`) shown exists in
 *   package.json;
 * - every test name quoted (in italics) next to a link to a test file exists
 *   in that file;
 * - every table with a minutes column that lists labs agrees with
 *   labs/labs.json, and the instructor guide's agenda lists every lab.
 *
 * Each problem names the file, the line and the broken thing. While the
 * labs/ folder does not exist yet (the labs are written in parallel with the
 * docs), links into labs/ and the labs.json checks are reported as pending
 * instead of failing; once labs/ exists, everything is checked strictly.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Problem {
  /** Path relative to the repository root, with forward slashes. */
  readonly file: string;
  /** 1-based line number; 0 when the problem is about the whole file. */
  readonly line: number;
  readonly message: string;
}

export interface CheckResult {
  readonly problems: Problem[];
  /** Things that cannot be checked yet because labs/ does not exist. */
  readonly pending: Problem[];
}

export function formatProblem(problem: Problem): string {
  return problem.line > 0 ? `${problem.file}:${problem.line}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

// ---------------------------------------------------------------------------
// Finding and reading Markdown
// ---------------------------------------------------------------------------

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

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

interface SourceLine {
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

// ---------------------------------------------------------------------------
// Anchors: GitHub's heading slugs
// ---------------------------------------------------------------------------

/**
 * GitHub's anchor for a heading's text: lower-case, drop everything that is
 * not a letter, digit, mark, underscore, hyphen or space, then turn each space
 * into a hyphen. (Same rules as the github-slugger package GitHub's renderer
 * follows; duplicates are numbered by `headingAnchors`.)
 */
export function slugify(headingText: string): string {
  return headingText
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The text a heading renders to: links and images become their text, code keeps its content, HTML tags go. */
export function headingPlainText(raw: string): string {
  return raw
    .replace(/<[^>]+>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/!?\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(^|[^\p{L}\p{N}])_{1,2}(\S(?:.*?\S)?)_{1,2}(?=[^\p{L}\p{N}]|$)/gu, '$1$2')
    .trim();
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const EXPLICIT_ANCHOR = /<a\s+[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']/gi;

/** Every anchor a Markdown file offers: heading slugs (numbered when repeated) and `<a name|id="...">`. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const addHeading = (text: string) => {
    const base = slugify(headingPlainText(text));
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    anchors.add(seen === 0 ? base : `${base}-${seen}`);
  };
  const lines = splitLines(markdown);
  lines.forEach((line, index) => {
    if (line.inFence) return;
    for (const match of line.text.matchAll(EXPLICIT_ANCHOR)) anchors.add(match[1]);
    const atx = ATX_HEADING.exec(line.text);
    if (atx) {
      addHeading(atx[2] ?? '');
      return;
    }
    const previous = lines[index - 1];
    if (
      SETEXT_UNDERLINE.test(line.text) &&
      previous &&
      !previous.inFence &&
      previous.text.trim() !== '' &&
      !ATX_HEADING.test(previous.text) &&
      !/^\s*([-*+>|]|\d+[.)])/.test(previous.text)
    ) {
      addHeading(previous.text.trim());
    }
  });
  return anchors;
}

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

export interface FoundLink {
  readonly line: number;
  readonly target: string;
}

const INLINE_LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HTML_LINK = /<(?:a|img)\s[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']/gi;

/** Link and image targets outside code: inline links, reference definitions and HTML href/src. */
export function extractLinks(markdown: string): FoundLink[] {
  const links: FoundLink[] = [];
  for (const line of splitLines(markdown)) {
    if (line.inFence) continue;
    const text = maskInlineCode(line.text);
    for (const match of text.matchAll(INLINE_LINK)) links.push({ line: line.number, target: unwrap(match[1]) });
    const definition = REFERENCE_DEFINITION.exec(text);
    if (definition) links.push({ line: line.number, target: unwrap(definition[1]) });
    for (const match of text.matchAll(HTML_LINK)) links.push({ line: line.number, target: match[1] });
  }
  return links;
}

function unwrap(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

function isUnderLabs(repoRelative: string): boolean {
  return repoRelative === 'labs' || repoRelative.startsWith('labs/');
}

/** Checks every relative link and anchor in the given Markdown files (paths relative to `root`). */
export function checkLinks(root: string, files: readonly string[] = findMarkdownFiles(root)): CheckResult {
  const problems: Problem[] = [];
  const pending: Problem[] = [];
  const labsWritten = existsSync(path.join(root, 'labs'));
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let anchors = anchorCache.get(file);
    if (!anchors) {
      anchors = headingAnchors(readFileSync(path.join(root, file), 'utf8'));
      anchorCache.set(file, anchors);
    }
    return anchors;
  };

  for (const file of files) {
    const markdown = readFileSync(path.join(root, file), 'utf8');
    for (const { line, target } of extractLinks(markdown)) {
      if (target === '' || EXTERNAL.test(target)) continue;
      const report = (message: string) => problems.push({ file, line, message });
      if (target.startsWith('/')) {
        report(`link "${target}" starts with "/": on GitHub that leaves the repository; use a relative path`);
        continue;
      }
      const hashAt = target.indexOf('#');
      const rawPath = hashAt === -1 ? target : target.slice(0, hashAt);
      const rawAnchor = hashAt === -1 ? undefined : target.slice(hashAt + 1);
      let decodedPath: string;
      let anchor: string | undefined;
      try {
        decodedPath = decodeURIComponent(rawPath);
        anchor = rawAnchor === undefined ? undefined : decodeURIComponent(rawAnchor);
      } catch {
        report(`link "${target}" is not valid percent-encoding`);
        continue;
      }
      const resolved = rawPath === '' ? file : toPosix(path.normalize(path.join(path.dirname(file), decodedPath)));
      if (resolved === '..' || resolved.startsWith('../')) {
        report(`link "${target}" points outside the repository`);
        continue;
      }
      const absolute = path.join(root, resolved);
      if (!existsSync(absolute)) {
        const problem = { file, line, message: `broken link "${target}": ${resolved} does not exist` };
        if (!labsWritten && isUnderLabs(resolved)) pending.push(problem);
        else problems.push(problem);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (statSync(absolute).isDirectory()) {
        report(`link "${target}" has an anchor but ${resolved} is a folder`);
        continue;
      }
      if (!resolved.toLowerCase().endsWith('.md')) {
        // Line anchors (#L10 or #L10-L20) are GitHub's for any file; others cannot be checked.
        if (!/^L\d+(?:-L\d+)?$/.test(anchor)) report(`link "${target}": only #L<line> anchors work on non-Markdown files`);
        continue;
      }
      if (!anchorsOf(resolved).has(anchor)) {
        const hint = anchorsOf(resolved).has(anchor.toLowerCase()) ? ` (anchors are lower-case: #${anchor.toLowerCase()})` : '';
        report(`broken anchor "#${anchor}" in link "${target}": no such heading in ${resolved}${hint}`);
      }
    }
  }
  return { problems, pending };
}

// ---------------------------------------------------------------------------
// Test names quoted next to test files
// ---------------------------------------------------------------------------

const TEST_FILE_LINK = /\]\(\s*<?([^\s)>#]+\.test\.ts)(?:#[^\s)>]*)?>?\s*\)/g;
const ITALIC = /(?<![*\w\\])\*(?![*\s])([^*]+?)(?<!\s)\*(?![*\w])/g;

/**
 * The pattern guides name the tests that prove a claim, in italics, on the
 * same line as a link to the test file: "[`saga.test.ts`](...), *compensates
 * when ...*". Each italic name must occur in one of the test files linked on
 * its line, so a renamed or deleted test cannot leave a claim unproved.
 * A "..." at either end of a name stands for the rest of the title (for it.each
 * titles with a %s).
 */
export function checkTestNames(root: string, files: readonly string[] = findMarkdownFiles(root)): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    for (const line of splitLines(readFileSync(path.join(root, file), 'utf8'))) {
      if (line.inFence) continue;
      const text = maskInlineCode(line.text);
      const testFiles = [...text.matchAll(TEST_FILE_LINK)]
        .map((match) => toPosix(path.normalize(path.join(path.dirname(file), decodeURIComponent(match[1])))))
        .filter((testFile) => existsSync(path.join(root, testFile)));
      if (testFiles.length === 0) continue;
      const sources = testFiles.map((testFile) => readFileSync(path.join(root, testFile), 'utf8'));
      for (const match of text.matchAll(ITALIC)) {
        const quoted = match[1].trim();
        const name = quoted.replace(/^(\.\.\.|\u2026)\s*/, '').replace(/\s*(\.\.\.|\u2026)$/, '');
        if (!sources.some((source) => source.includes(name))) {
          problems.push({ file, line: line.number, message: `no test named "${quoted}" in ${testFiles.join(' or ')}` });
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// npm scripts
// ---------------------------------------------------------------------------

export interface FoundScript {
  readonly line: number;
  readonly script: string;
  /** The command as written, for the message. */
  readonly command: string;
}

const NPM_RUN = /\bnpm\s+run(?:-script)?\s+([A-Za-z0-9][\w:.-]*)/g;
const NPM_SHORTHAND = /\bnpm\s+(start|test)\b/g;

/** Every `npm run X`, `npm start` and `npm test` in a Markdown file, code blocks included. */
export function extractNpmScripts(markdown: string): FoundScript[] {
  const found: FoundScript[] = [];
  for (const line of splitLines(markdown)) {
    for (const match of line.text.matchAll(NPM_RUN)) {
      // "npm run lint:md." at the end of a sentence: the dot is punctuation.
      const script = match[1].replace(/[.:]+$/, '');
      found.push({ line: line.number, script, command: `npm run ${script}` });
    }
    for (const match of line.text.matchAll(NPM_SHORTHAND)) found.push({ line: line.number, script: match[1], command: `npm ${match[1]}` });
  }
  return found;
}

export function readPackageScripts(root: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return pkg.scripts ?? {};
}

/** Every npm script a Markdown file shows must exist in package.json. */
export function checkNpmScripts(root: string, files: readonly string[] = findMarkdownFiles(root)): Problem[] {
  const scripts = readPackageScripts(root);
  const problems: Problem[] = [];
  for (const file of files) {
    for (const { line, script, command } of extractNpmScripts(readFileSync(path.join(root, file), 'utf8'))) {
      if (!Object.hasOwn(scripts, script)) {
        problems.push({ file, line, message: `"${command}" is shown, but package.json has no "${script}" script` });
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Lab minutes
// ---------------------------------------------------------------------------

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
export function checkLabMinutes(root: string, files: readonly string[] = findMarkdownFiles(root)): CheckResult {
  const problems: Problem[] = [];
  const pending: Problem[] = [];
  if (!existsSync(path.join(root, LABS_MANIFEST))) {
    const problem = { file: LABS_MANIFEST, line: 0, message: 'not found: the lab minutes in the docs cannot be checked' };
    if (existsSync(path.join(root, 'labs'))) problems.push(problem);
    else pending.push(problem);
    return { problems, pending };
  }
  let labs: LabEntry[];
  try {
    labs = readLabsManifest(root);
  } catch (error) {
    return { problems: [{ file: LABS_MANIFEST, line: 0, message: (error as Error).message }], pending };
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
    return { problems, pending };
  }
  const agenda = findAgendaTable(readFileSync(guide, 'utf8'));
  if (!agenda) {
    problems.push({ file: INSTRUCTOR_GUIDE, line: 0, message: 'no agenda table: expected a table with a "Minutes" column under a heading containing "Agenda"' });
    return { problems, pending };
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
  return { problems, pending };
}

function findAgendaTable(markdown: string): MarkdownTable | undefined {
  const lines = splitLines(markdown);
  const agendaHeading = lines.find((line) => !line.inFence && /^ {0,3}#{1,6}\s.*\bagenda\b/i.test(line.text));
  if (!agendaHeading) return undefined;
  return extractTables(markdown).find(
    (table) => table.headerLine > agendaHeading.number && table.header.some((cell) => MINUTES_HEADER.test(cell)),
  );
}

// ---------------------------------------------------------------------------
// Everything
// ---------------------------------------------------------------------------

export function checkDocs(root: string): CheckResult {
  const files = findMarkdownFiles(root);
  const links = checkLinks(root, files);
  const minutes = checkLabMinutes(root, files);
  return {
    problems: [...links.problems, ...checkNpmScripts(root, files), ...checkTestNames(root, files), ...minutes.problems],
    pending: [...links.pending, ...minutes.pending],
  };
}
