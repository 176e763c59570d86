/**
 * Test names quoted in the guides exist: a renamed or deleted test cannot
 * leave a claim unproved.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Problem, findMarkdownFiles, maskInlineCode, splitLines, toPosix } from './markdown';

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
