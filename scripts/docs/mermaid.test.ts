import path from 'node:path';
import type { Browser } from 'playwright-core';
import { NO_CHROMIUM_MESSAGE, chromiumPath, launchChromium } from '../dashboard/browser';
import { formatProblem } from './markdown';
import { type MermaidRenderer, extractMermaidBlocks, findMermaidBlocks, openMermaidRenderer } from './mermaid';

/**
 * Mermaid diagrams render as GitHub would render them: with the mermaid
 * package, in a real browser, offline. Only the rendering needs Chromium;
 * a machine without it skips those tests and says why.
 */
const ROOT = path.resolve(__dirname, '../..');

describe('finding Mermaid blocks', () => {
  it('finds each ```mermaid block with the line of its fence, and nothing else', () => {
    const markdown = ['# Doc', '', '```mermaid', 'flowchart LR', '  A --> B', '```', '', '```bash', 'echo mermaid', '```', '~~~mermaid', 'pie', '~~~'].join(
      '\n',
    );
    expect(extractMermaidBlocks('doc.md', markdown)).toEqual([
      { file: 'doc.md', line: 3, code: 'flowchart LR\n  A --> B' },
      { file: 'doc.md', line: 11, code: 'pie' },
    ]);
  });

  it("finds the repository's diagrams", () => {
    expect(findMermaidBlocks(ROOT).map((block) => block.file)).toEqual(expect.arrayContaining(['docs/architecture.md']));
  });
});

const hasChromium = chromiumPath() !== undefined;
if (!hasChromium) console.warn(`Skipping the Mermaid rendering check: ${NO_CHROMIUM_MESSAGE}`);

(hasChromium ? describe : describe.skip)(`rendering Mermaid in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_MESSAGE})`}`, () => {
  let browser: Browser;
  let renderer: MermaidRenderer;
  beforeAll(async () => {
    browser = await launchChromium();
    renderer = await openMermaidRenderer(browser);
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
    await browser?.close();
  });

  it('reports a diagram that does not render, with its file and line', async () => {
    const blocks = [
      { file: 'ok.md', line: 3, code: 'flowchart LR\n  A --> B' },
      { file: 'bad.md', line: 7, code: 'sequenceDiagram\n  participant Create as createOrder\n  Create->>Create: validate' },
      { file: 'bad.md', line: 20, code: 'flowchart LR\n  A --> ' },
    ];
    const problems = (await renderer.check(blocks)).map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(/^bad\.md:7: Mermaid diagram does not render: /),
      expect.stringMatching(/^bad\.md:20: Mermaid diagram does not render: /),
    ]);
  });

  it('renders every Mermaid diagram in the repository', async () => {
    const blocks = findMermaidBlocks(ROOT);
    expect(blocks.length).toBeGreaterThan(0);
    expect((await renderer.check(blocks)).map(formatProblem)).toEqual([]);
  });
});
