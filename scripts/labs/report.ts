import type { FailureSummary } from './failure-summary';
import type { Requirement } from './jest-run';
import { type Lab, SOLUTION_FOLDER } from './manifest';
import type { TypeErrorAt } from './typecheck-lab';

/**
 * Everything check:lab prints, as plain strings: what a learner reads is
 * decided here, in one place, and the checker's tests can read it too.
 */
export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function makeStyle(colour: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (colour ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { ok: wrap(32, 39), bad: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Colour for a terminal, none for pipes and files; NO_COLOR and FORCE_COLOR are honoured. */
export function styleForStdout(): Style {
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  return makeStyle(forced || (process.stdout.isTTY === true && process.env.NO_COLOR === undefined));
}

export const PASS = '✔';
export const FAIL = '✘';

export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

export const checkCommand = (lab: Lab | 'all', flags = '') => `npm run check:lab ${lab === 'all' ? 'all' : lab.id}${flags ? ` -- ${flags}` : ''}`;

export interface LabReport {
  readonly lab: Lab;
  readonly nextLab?: Lab;
  /** Folder whose src/ was tested: the lab folder, or solution for instructors. */
  readonly codeRoot: string;
  readonly requirements: readonly Requirement[];
  readonly firstFailure?: FailureSummary;
  /** The tests could not load the code (a syntax error, a broken import). */
  readonly loadError?: string;
  readonly hintsShown: number;
  /** Lab-relative files of the learner's earlier labs in use here (npm run labs:carry), instead of solution/src's. */
  readonly carried?: readonly string[];
  /** tsc's errors in the checked code: the first requirement, so never "complete" while there is one. */
  readonly typeErrors?: readonly TypeErrorAt[];
  /** --verbose: jest's full messages of every failed requirement. */
  readonly verbose?: boolean;
}

export const COMPILES = 'the code compiles: no type errors (tsc)';
const COMPILES_WHY =
  'Jest, npm start and the Lambda bundle (esbuild) all strip types without checking them: a type error is a runtime bug that nothing else warns you about.';
const SHOWN_TYPE_ERRORS = 5;

/** Every requirement counts, and so does compiling. */
export function isLabDone(report: Pick<LabReport, 'requirements' | 'typeErrors' | 'loadError'>): boolean {
  return (
    (report.typeErrors ?? []).length === 0 && report.loadError === undefined && report.requirements.length > 0 && report.requirements.every((r) => r.passed)
  );
}

export function renderLabReport(report: LabReport, s: Style): string {
  const { lab, requirements } = report;
  const againstSolution = report.codeRoot === SOLUTION_FOLDER;
  const out: string[] = [];
  out.push(s.bold(`Lab ${lab.id} · ${lab.title}`) + s.dim(` (about ${lab.minutes} minutes)${againstSolution ? ', checked against solution/' : ''}`));
  out.push(s.dim(lab.goal));
  out.push(
    s.dim(`Guide: ${lab.folder}/README.md   Code: ${againstSolution ? `${SOLUTION_FOLDER}/src` : `${report.codeRoot}/src over ${SOLUTION_FOLDER}/src`}`),
  );
  if (report.carried?.length) out.push(s.dim(`Your earlier labs' code in use: ${report.carried.map((file) => `${report.codeRoot}/${file}`).join(', ')}`));
  out.push('');

  const typeErrors = report.typeErrors ?? [];
  out.push('Type check');
  out.push(
    `  ${typeErrors.length === 0 ? s.ok(PASS) : s.bad(FAIL)} ${COMPILES}${typeErrors.length > 0 ? ` (${typeErrors.length} type error${typeErrors.length === 1 ? '' : 's'})` : ''}`,
  );
  out.push('');

  if (report.loadError !== undefined) {
    if (typeErrors.length > 0) out.push(...typeErrorBlock(report, s), '');
    out.push(s.bad(`${FAIL} The tests could not load the code:`));
    out.push(...indent(firstLines(report.loadError, 14), '    '));
    out.push('');
    out.push(`Fix that error first (${s.bold('npm run typecheck')} lists every type error), then run ${s.bold(checkCommand(lab))} again.`);
    return out.join('\n');
  }

  let group: string | undefined;
  for (const requirement of requirements) {
    const heading = requirement.groups.join(' › ');
    if (heading !== group) {
      if (group !== undefined) out.push('');
      if (heading) out.push(heading);
      group = heading;
    }
    out.push(`  ${requirement.passed ? s.ok(PASS) : s.bad(FAIL)} ${requirement.title}`);
  }
  out.push('');

  const met = requirements.filter((r) => r.passed).length + (typeErrors.length === 0 ? 1 : 0);
  const total = requirements.length + 1;
  const failure = report.firstFailure;
  if (typeErrors.length > 0) {
    out.push(...typeErrorBlock(report, s), '');
  } else if (failure) {
    out.push(...failureBlock(failure, report, s), '');
  }
  if (report.verbose) out.push(...verboseBlock(requirements, s));

  const done = isLabDone(report);
  out.push(`Progress  ${done ? s.ok(progressBar(met, total)) : progressBar(met, total)}  ${met}/${total} requirements met`);
  out.push('');
  if (done) {
    out.push(s.ok(`${PASS} Lab ${lab.id} complete.`) + (againstSolution ? ' The solution meets every requirement.' : ' Well done!'));
    if (report.nextLab && !againstSolution) {
      out.push(
        `Next: Lab ${report.nextLab.id} · ${report.nextLab.title}: read ${report.nextLab.folder}/README.md, then ${s.bold(checkCommand(report.nextLab))}`,
      );
      out.push(`Keep building on your own code: ${s.bold(`npm run labs:carry -- ${lab.id}`)} (your files then run in lab ${report.nextLab.id})`);
    }
  } else {
    out.push(hintLine(lab, report.hintsShown, s));
    out.push(`Check again on every save: ${s.bold(checkCommand(lab, '--watch'))}`);
  }
  return out.join('\n');
}

const label = (name: string) => `  ${name.padEnd(9)} `;
const at = (where: { file: string; line?: number }) => `${where.file}${where.line ? `:${where.line}` : ''}`;

function typeErrorBlock(report: LabReport, s: Style): string[] {
  const [first, ...others] = report.typeErrors ?? [];
  const out = [s.bold(`Next requirement: ${COMPILES}`)];
  out.push(
    `${label('Edit')}${first.file}:${first.line}${report.lab.edit.some((file) => first.file === `${report.codeRoot}/${file}`) ? '' : s.dim(' (not a file you edit: the type error comes from how your code is used here)')}`,
  );
  out.push(`${label('Problem')}${s.bad(`${first.code}: ${first.message}`)}`);
  const shown = others.slice(0, SHOWN_TYPE_ERRORS - 1);
  for (const error of shown) out.push(`${label('')}${error.file}:${error.line} ${error.code}: ${error.message}`);
  if (others.length > shown.length)
    out.push(
      `${label('')}… and ${others.length - shown.length} more: ${s.bold(`npx tsc -p ${report.codeRoot === SOLUTION_FOLDER ? '.' : report.codeRoot}`)} lists them all`,
    );
  out.push(...wrap(COMPILES_WHY, 88).map((line, i) => `${label(i === 0 ? 'Why' : '')}${line}`));
  return out;
}

function failureBlock(failure: FailureSummary, report: LabReport, s: Style): string[] {
  const out = [s.bold(`Next requirement: ${failure.requirement}`)];
  const stepName = failure.step !== undefined ? `step ${failure.step}` : undefined;
  if (failure.edit) out.push(`${label('Edit')}${at(failure.edit)}${stepName ? s.dim(` (${stepName}'s TODO)`) : ''}`);
  else if (failure.candidates) {
    out.push(`${label('Edit')}one of these: the requirement runs steps ${failure.candidates[0].step} to ${failure.candidates.at(-1)?.step} together`);
    for (const c of failure.candidates) out.push(`${label('')}${at(c)} (step ${c.step})`);
  } else out.push(`${label('Edit')}${report.lab.edit.map((file) => `${report.codeRoot}/${file}`).join(', ')}`);
  if (failure.raisedIn) {
    const cause = stepName ? `the fault is in what ${stepName}'s code (Edit) passed to it or did before` : 'the fault is in the code of yours that calls it';
    out.push(`${label('Raised in')}${at(failure.raisedIn)}, code you do not edit: ${cause}`);
  }
  for (const [i, line] of failure.problem.entries()) out.push(`${label(i === 0 ? 'Problem' : '')}${i === 0 ? s.bad(line) : line}`);
  if (failure.why) out.push(...wrap(failure.why, 88).map((line, i) => `${label(i === 0 ? 'Why' : '')}${line}`));
  if (failure.checkedAt) out.push(s.dim(`${label('Test')}${failure.checkedAt}`));
  return out;
}

function verboseBlock(requirements: readonly Requirement[], s: Style): string[] {
  const failed = requirements.filter((r) => !r.passed);
  if (failed.length === 0) return [];
  const out = [s.bold('Full output of the failed requirements (--verbose)'), ''];
  for (const requirement of failed) {
    out.push(s.bad(`${FAIL} ${[...requirement.groups, requirement.title].join(' › ')}`));
    for (const message of requirement.failure?.messages ?? []) out.push(...indent(message.split('\n'), '    '));
    out.push('');
  }
  return out;
}

function hintLine(lab: Lab, hintsShown: number, s: Style): string {
  if (hintsShown >= lab.hints.length) {
    return `Stuck? You have seen all ${lab.hints.length} hints (${s.bold(checkCommand(lab, '--hint'))} shows them again); the finished code is under ${SOLUTION_FOLDER}/src.`;
  }
  return `Stuck? ${s.bold(checkCommand(lab, '--hint'))} shows hint ${hintsShown + 1} of ${lab.hints.length}.`;
}

export interface LabRow {
  readonly lab: Lab;
  readonly met: number;
  readonly total: number;
  readonly loadError?: string;
  /** tsc's errors in the lab's code (the lab is not complete while there is one). */
  readonly typeErrors: number;
  /** The learner has changed the lab's code (some TODO is no longer the starter's). */
  readonly edited: boolean;
}

const rowDone = (row: LabRow) => row.loadError === undefined && row.typeErrors === 0 && row.total > 0 && row.met === row.total;

/**
 * The lab a learner is working on: the lowest unfinished lab they have edited;
 * if they have edited none, the first unfinished lab after the last complete
 * one (so finishing lab 3 after skipping 1 and 2 points at 4, not back at 1);
 * else the first unfinished lab. Undefined when every lab is complete.
 */
export function currentLab(rows: readonly LabRow[]): LabRow | undefined {
  const unfinished = rows.filter((row) => !rowDone(row));
  const started = unfinished.find((row) => row.edited);
  if (started) return started;
  const lastDone = rows.map((row) => rowDone(row)).lastIndexOf(true);
  return rows.slice(lastDone + 1).find((row) => !rowDone(row)) ?? unfinished[0];
}

export function renderAllLabs(rows: readonly LabRow[], codeRootLabel: string, s: Style): string {
  const titleWidth = Math.max(...rows.map((row) => row.lab.title.length), 'Title'.length);
  const out = [s.bold('Workshop progress') + s.dim(` (${codeRootLabel})`), ''];
  out.push(s.dim(`  Lab  ${'Title'.padEnd(titleWidth)}  Minutes  Progress`));
  for (const row of rows) {
    const state =
      row.loadError !== undefined
        ? s.bad(`${FAIL} tests could not load the code`)
        : row.typeErrors > 0
          ? s.bad(`${FAIL} ${row.typeErrors} type error${row.typeErrors === 1 ? '' : 's'}`)
          : rowDone(row)
            ? s.ok(`${PASS} complete`)
            : row.edited
              ? 'started'
              : '';
    const count = `${String(row.met).padStart(2)}/${String(row.total).padEnd(2)}`;
    out.push(
      `  ${String(row.lab.id).padEnd(3)}  ${row.lab.title.padEnd(titleWidth)}  ${String(row.lab.minutes).padStart(7)}  ${progressBar(row.met, row.total, 12)} ${count}  ${state}`.trimEnd(),
    );
  }
  out.push('');
  const next = currentLab(rows);
  if (!next) {
    out.push(s.ok(`${PASS} Every lab is complete.`));
    return out.join('\n');
  }
  out.push(`Next: ${s.bold(checkCommand(next.lab))} (Lab ${next.lab.id} · ${next.lab.title}${next.edited ? ', the lab you are working on' : ''})`);
  const skipped = rows.filter((row) => row.lab.id < next.lab.id && !rowDone(row));
  if (skipped.length > 0) {
    const ids = skipped.map((row) => row.lab.id);
    const names = ids.length === 1 ? `Lab ${ids[0]} is` : `Labs ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)} are`;
    out.push(
      s.dim(
        `${names} not complete yet: lab ${next.lab.id} runs over their finished code (${SOLUTION_FOLDER}/src), so come back to ${ids.length === 1 ? 'it' : 'them'} any time.`,
      ),
    );
  }
  return out.join('\n');
}

export function renderValidLabs(labs: readonly Lab[], problem: string, s: Style): string {
  const titleWidth = Math.max(...labs.map((lab) => lab.title.length));
  return [
    s.bad(problem),
    '',
    'The labs are:',
    ...labs.map((lab) => `  ${String(lab.id).padEnd(3)} ${lab.title.padEnd(titleWidth)}  ${String(lab.minutes).padStart(3)} min   ${checkCommand(lab)}`),
    `  all ${'Progress of every lab'.padEnd(titleWidth)}            ${checkCommand('all')}`,
    '',
    'Options (after --):',
    '  --watch      check again every time you save a file of the lab',
    '  --hint       show the next hint for the lab (remembered in .lab-progress.json)',
    '  --solution   for instructors: check the finished code in solution/ instead of the lab',
    "  --verbose    also print jest's full messages for every requirement not met",
  ].join('\n');
}

export function renderHints(lab: Lab, shown: number, s: Style): string {
  const out = [s.bold(`Lab ${lab.id} · ${lab.title}: hint ${shown} of ${lab.hints.length}`), ''];
  lab.hints.slice(0, shown).forEach((hint, i) => {
    const label = `Hint ${i + 1}${i + 1 === shown ? '' : ' (seen)'}`;
    out.push(i + 1 === shown ? s.bold(label) : s.dim(label));
    out.push(...wrap(hint, 88).map((line) => `  ${i + 1 === shown ? line : s.dim(line)}`));
    out.push('');
  });
  out.push(
    shown < lab.hints.length
      ? `Run ${s.bold(checkCommand(lab, '--hint'))} again for hint ${shown + 1}.`
      : `That was the last hint. The finished code is under ${SOLUTION_FOLDER}/src, same paths.`,
  );
  out.push(`Check your code: ${s.bold(checkCommand(lab))}`);
  return out.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The first lines of jest's "Test suite failed to run" message, without its heading, blank runs or common indent. */
function firstLines(text: string, count: number): string[] {
  const lines = text
    .split('\n')
    .filter((line) => !/^\s*● Test suite failed to run\s*$/.test(line))
    .filter((line, i, all) => line.trim() !== '' || (i > 0 && all[i - 1].trim() !== ''));
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  const dedented = lines.map((line) => line.slice(Number.isFinite(indent) ? indent : 0).trimEnd());
  return dedented.length > count ? [...dedented.slice(0, count), '…'] : dedented;
}

function indent(lines: readonly string[], prefix: string): string[] {
  return lines.map((line) => `${prefix}${line}`);
}
