/** Every `npm run X` (and `npm start` / `npm test`) the docs show exists in package.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Problem, findMarkdownFiles, splitLines } from './markdown';

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
