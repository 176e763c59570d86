/**
 * The learning path never hands out the answer: a lab README, and every
 * Markdown file it links to (the pattern guides), links to the finished code
 * in `solution/src` only in its last section, headed
 * "The finished code: spoilers for lab N". Before that section a guide may
 * name a file (`orders.ts`) but not open it for the learner.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extractLinks } from './links';
import { EXTERNAL, type Problem, findMarkdownFiles, splitLines, toPosix } from './markdown';

export const SPOILER_HEADING = /^## The finished code: spoilers for lab \d+\s*$/;
const LAB_README = /^labs\/[^/]+\/README\.md$/;
const FINISHED_CODE = 'solution/src/';

/** The repository path a relative link in `file` points at (no anchor), or undefined for external links. */
function resolve(file: string, target: string): string | undefined {
  const bare = target.split('#')[0];
  if (bare === '' || EXTERNAL.test(bare) || bare.startsWith('/')) return undefined;
  return toPosix(path.normalize(path.join(path.dirname(file), bare)));
}

/** The files a learner is sent to: each lab README and the Markdown files it links to. */
export function learningPath(root: string, files: readonly string[] = findMarkdownFiles(root)): string[] {
  const readmes = files.filter((file) => LAB_README.test(file));
  const path_ = new Set(readmes);
  for (const readme of readmes) {
    for (const link of extractLinks(readFileSync(path.join(root, readme), 'utf8'))) {
      const target = resolve(readme, link.target);
      if (target?.endsWith('.md') && existsSync(path.join(root, target))) path_.add(target);
    }
  }
  return [...path_].sort();
}

/** Links into solution/src outside a last "The finished code: spoilers for lab N" section. */
export function checkSpoilers(root: string, files: readonly string[] = findMarkdownFiles(root)): Problem[] {
  const problems: Problem[] = [];
  for (const file of learningPath(root, files)) {
    const markdown = readFileSync(path.join(root, file), 'utf8');
    const lines = splitLines(markdown);
    const headings = lines.filter((line) => !line.inFence && /^## /.test(line.text));
    const spoilerHeading = headings.find((line) => SPOILER_HEADING.test(line.text));
    if (spoilerHeading && headings[headings.length - 1] !== spoilerHeading) {
      problems.push({ file, line: spoilerHeading.number, message: 'the spoiler section must be the last section of the file' });
    }
    const spoilersStart = spoilerHeading?.number ?? Number.POSITIVE_INFINITY;
    for (const link of extractLinks(markdown)) {
      const target = resolve(file, link.target);
      if (!target?.startsWith(FINISHED_CODE) || link.line > spoilersStart) continue;
      problems.push({
        file,
        line: link.line,
        message: `links to the finished code (${target}) on the learning path; move the link to a last section "## The finished code: spoilers for lab N"`,
      });
    }
  }
  return problems;
}
