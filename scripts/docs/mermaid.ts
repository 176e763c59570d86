/**
 * Every ```mermaid block in the repository's Markdown renders, in the same
 * Chromium the dashboard tests use, with the `mermaid` package's own browser
 * bundle loaded from node_modules (offline: the page may make no request at
 * all). A diagram that GitHub would show as "Unable to render" fails here,
 * named by file and line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { type Problem, findMarkdownFiles, splitLines } from './markdown';

export interface MermaidBlock {
  readonly file: string;
  /** 1-based line of the opening ```mermaid fence. */
  readonly line: number;
  readonly code: string;
}

const MERMAID_FENCE = /^ {0,3}(`{3,}|~{3,})\s*mermaid\s*$/i;

export function extractMermaidBlocks(file: string, markdown: string): MermaidBlock[] {
  const blocks: MermaidBlock[] = [];
  const lines = splitLines(markdown);
  for (let i = 0; i < lines.length; i++) {
    const open = MERMAID_FENCE.exec(lines[i].text);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    // Up to the closing fence (same character, at least as long), or the end of the file.
    while (j < lines.length && !(lines[j].text.trim().startsWith(open[1]) && lines[j].text.trim().replace(/[`~]/g, '') === '')) body.push(lines[j++].text);
    blocks.push({ file, line: lines[i].number, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

export const MERMAID_BUNDLE = require.resolve('mermaid/dist/mermaid.min.js');

export interface MermaidRenderer {
  /** Resolves with a problem per block that does not render (and per request the page tried to make). */
  check(blocks: readonly MermaidBlock[]): Promise<Problem[]>;
  close(): Promise<void>;
}

/** One page with the mermaid bundle loaded (a 5 MB script: load it once, render many). */
export async function openMermaidRenderer(browser: Browser): Promise<MermaidRenderer> {
  const page = await browser.newPage();
  const requests: string[] = [];
  // Nothing may be fetched: a diagram that needs the network is a diagram that fails offline.
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: MERMAID_BUNDLE });
  await page.evaluate(() => (globalThis as any).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
  let rendered = 0;
  return {
    async check(blocks) {
      const errors = await page.evaluate(
        async ({ codes, first }) => {
          const found: Array<string | null> = [];
          for (const [index, code] of codes.entries()) {
            try {
              await (globalThis as any).mermaid.render(`diagram${first + index}`, code, document.getElementById('out'));
              found.push(null);
            } catch (error) {
              found.push(String((error as Error)?.message ?? error));
            }
          }
          return found;
        },
        { codes: blocks.map((block) => block.code), first: rendered },
      );
      rendered += blocks.length;
      const problems: Problem[] = [];
      errors.forEach((error, index) => {
        if (error !== null)
          problems.push({
            file: blocks[index].file,
            line: blocks[index].line,
            message: `Mermaid diagram does not render: ${error.replace(/\s+/g, ' ').trim()}`,
          });
      });
      for (const url of requests.splice(0))
        problems.push({ file: blocks[0]?.file ?? '?', line: 0, message: `rendering the diagrams asked for ${url}: they must render offline` });
      return problems;
    },
    close: () => page.close(),
  };
}

/** Every Mermaid block in the Markdown files under `root`. */
export function findMermaidBlocks(root: string, files: readonly string[] = findMarkdownFiles(root)): MermaidBlock[] {
  return files.flatMap((file) => extractMermaidBlocks(file, readFileSync(path.join(root, file), 'utf8')));
}
