/** GitHub's heading anchors, so links to `file.md#anchor` are checked as GitHub renders them. */
import { splitLines } from './markdown';

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

// Links
