/**
 * Every relative link (and its `#anchor`) in every Markdown file resolves,
 * with anchors computed by GitHub's heading-slug rules.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { headingAnchors } from './anchors';
import { EXTERNAL, type Problem, findMarkdownFiles, maskInlineCode, splitLines, toPosix } from './markdown';

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

/** Checks every relative link and anchor in the given Markdown files (paths relative to `root`). */
export function checkLinks(root: string, files: readonly string[] = findMarkdownFiles(root)): Problem[] {
  const problems: Problem[] = [];
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
        report(`broken link "${target}": ${resolved} does not exist`);
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
  return problems;
}
