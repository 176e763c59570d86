import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Requirement } from './jest-run';
import { type Lab, REPO_ROOT } from './manifest';

/**
 * Turns one failed requirement into the few lines a learner needs: which
 * file (and line) to edit, and what was expected versus what happened,
 * instead of jest's full report.
 */
export interface FailureSummary {
  readonly requirement: string;
  /** Repository-relative file to edit, with the line of its TODO when known. */
  readonly edit?: { readonly file: string; readonly line?: number };
  /** A few lines: the not-implemented message, or the assertion's expected/received. */
  readonly problem: readonly string[];
  /** Where in the lab's test the requirement is checked (file:line). */
  readonly checkedAt?: string;
}

const NOT_IMPLEMENTED = /Not implemented: lab (\d+), step (\d+) — ([^"\n\\]+)/;
const STACK_FRAME = /^\s*at .*?\(?((?:\/|[A-Za-z]:\\)?[^\s():]+\.ts):(\d+):\d+\)?\s*$/;
const MAX_PROBLEM_LINES = 8;

export function summarizeFailure(requirement: Requirement, lab: Lab, codeRoot: string): FailureSummary {
  const messages = requirement.failure?.messages ?? [];
  const root = path.resolve(REPO_ROOT, codeRoot);
  const all = messages.join('\n');
  const todo = all.match(NOT_IMPLEMENTED);
  const edit = todo
    ? (todoMarker(lab, root, Number(todo[1]), Number(todo[2])) ?? firstFrameUnder(all, path.join(root, 'src')))
    : (firstFrameUnder(all, path.join(root, 'src')) ?? markerOfGroup(requirement, lab, root) ?? firstUnfinishedFile(lab, root));
  // The test's own line is the last frame in the test file (earlier ones are its helpers).
  const checked = framesUnder(messages[0] ?? '', path.resolve(REPO_ROOT, lab.test)).at(-1);
  return {
    requirement: requirement.title,
    ...(edit ? { edit } : {}),
    problem: todo ? [`Not implemented: lab ${todo[1]}, step ${todo[2]} — ${todo[3].trim()}`] : problemLines(messages),
    ...(checked ? { checkedAt: `${checked.file}:${checked.line}` } : {}),
  };
}

/** The message of the first assertion (or error), without its stack: "expect(...)...", "Expected: 201", "Received: 500". */
function problemLines(messages: readonly string[]): string[] {
  const first = messages[0] ?? 'The test failed without a message.';
  const lines: string[] = [];
  for (const line of first.split('\n')) {
    if (STACK_FRAME.test(line) || /^\s*at /.test(line)) break;
    if (line.trim() === '') continue;
    lines.push(line.replace(/^(Error|JestAssertionError): /, '').trimEnd());
  }
  if (lines.length > MAX_PROBLEM_LINES) return [...lines.slice(0, MAX_PROBLEM_LINES), '…'];
  return lines.length > 0 ? lines : [first.split('\n')[0]];
}

function framesUnder(text: string, folderOrFile: string): { file: string; line: number }[] {
  const frames: { file: string; line: number }[] = [];
  for (const line of text.split('\n')) {
    const frame = line.match(STACK_FRAME);
    if (!frame) continue;
    const file = path.resolve(REPO_ROOT, frame[1]);
    if (file === folderOrFile || file.startsWith(folderOrFile + path.sep)) frames.push({ file: display(file), line: Number(frame[2]) });
  }
  return frames;
}

function firstFrameUnder(text: string, folderOrFile: string): { file: string; line: number } | undefined {
  return framesUnder(text, folderOrFile)[0];
}

/** Where `// TODO lab N, step M` still stands in the learner's files. */
function todoMarker(lab: Lab, root: string, labId: number, step: number): { file: string; line: number } | undefined {
  const marker = new RegExp(`//\\s*TODO lab ${labId}, step ${step}\\b`);
  for (const relative of lab.edit) {
    const file = path.join(root, relative);
    if (!existsSync(file)) continue;
    const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => marker.test(line));
    if (index >= 0) return { file: display(file), line: index + 1 };
  }
  return undefined;
}

/** The tests group requirements by step ("Step 2 · ..."): that step's TODO marker, if the learner kept it. */
function markerOfGroup(requirement: Requirement, lab: Lab, root: string): { file: string; line: number } | undefined {
  const step = requirement.groups.map((group) => group.match(/^Step (\d+)\b/)).find(Boolean);
  return step ? todoMarker(lab, root, lab.id, Number(step[1])) : undefined;
}

/** The first of the lab's files still throwing NotImplementedError, for failures that point nowhere else. */
function firstUnfinishedFile(lab: Lab, root: string): { file: string; line?: number } | undefined {
  for (const relative of lab.edit) {
    const file = path.join(root, relative);
    if (!existsSync(file)) continue;
    const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => /new NotImplementedError\(/.test(line));
    if (index >= 0) return { file: display(file), line: index + 1 };
  }
  return undefined;
}

/** Repository-relative when inside the repository, absolute otherwise. */
function display(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') ? file : relative;
}
