import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { headingAnchors, slugify } from './anchors';
import { checkLabMinutes } from './lab-minutes';
import { checkLinks, extractLinks } from './links';
import { findMarkdownFiles, formatProblem } from './markdown';
import { checkNpmScripts, extractNpmScripts } from './npm-scripts';
import { checkSpoilers, learningPath } from './spoilers';
import { checkTestNames } from './test-names';

/**
 * The docs checks (one module each in this folder), first on small fixtures
 * (so we know each check catches what it should, and says where), then on
 * this repository's Markdown. The Mermaid check, which needs a browser, is
 * in mermaid.test.ts.
 */
const ROOT = path.resolve(__dirname, '../..');

describe('GitHub heading anchors', () => {
  it.each([
    ['How AWS behaves in production', 'how-aws-behaves-in-production'],
    ['STANDARD vs EXPRESS: names are idempotent', 'standard-vs-express-names-are-idempotent'],
    ['Lab 2 — Streams relay (40 min)', 'lab-2--streams-relay-40-min'],
    ['`npm run deploy -- --stage alice`', 'npm-run-deploy------stage-alice'],
    ['Why a repeat returns PENDING?', 'why-a-repeat-returns-pending'],
    ['MaxAttempts_and friends', 'maxattempts_and-friends'],
  ])('turns "%s" into #%s', (heading, anchor) => {
    expect([...headingAnchors(`# ${heading}\n`)]).toEqual([anchor]);
  });

  it('numbers repeated headings and reads setext headings and <a name> anchors', () => {
    const anchors = headingAnchors('# Fix\n\n## Fix\n\nCause\n-----\n\n<a name="custom-spot"></a>\n\n```bash\n# not a heading\n```\n');
    expect([...anchors].sort()).toEqual(['cause', 'custom-spot', 'fix', 'fix-1']);
  });

  it('keeps only the text of links and code in a heading', () => {
    expect(slugify('Retry on TransientError')).toBe('retry-on-transienterror');
    expect([...headingAnchors('## Retry on [TransientError](x.md) and `Lambda.ServiceException`\n')]).toEqual([
      'retry-on-transienterror-and-lambdaserviceexception',
    ]);
  });
});

describe('link and script extraction', () => {
  it('finds inline links, images, reference definitions and HTML links, with their lines', () => {
    const markdown = ['See [the guide](docs/a.md#top) and ![diagram](img/x.png).', '', '[ref]: ../b.md', '<a href="c.md">c</a>'].join('\n');
    expect(extractLinks(markdown)).toEqual([
      { line: 1, target: 'docs/a.md#top' },
      { line: 1, target: 'img/x.png' },
      { line: 3, target: '../b.md' },
      { line: 4, target: 'c.md' },
    ]);
  });

  it('ignores links inside code blocks and inline code', () => {
    const markdown = ['```markdown', '[not](a-link.md)', '```', 'Write `[text](target.md)` to link.'].join('\n');
    expect(extractLinks(markdown)).toEqual([]);
  });

  it('finds npm run, npm start and npm test, in prose and in code blocks', () => {
    const markdown = ['Run `npm test`, then npm run lint:md.', '```bash', 'npm run deploy -- --stage alice', 'npm start', '```'].join('\n');
    expect(extractNpmScripts(markdown).map(({ line, script }) => [line, script])).toEqual([
      [1, 'lint:md'],
      [1, 'test'],
      [3, 'deploy'],
      [4, 'start'],
    ]);
  });
});

describe('the checks catch problems and say where they are', () => {
  let fixture: string;

  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    writeFileSync(path.join(fixture, file), content);
  };

  beforeEach(() => {
    fixture = mkdtempSync(path.join(os.tmpdir(), 'check-docs-'));
    write('package.json', JSON.stringify({ scripts: { test: 'jest', deploy: 'sls deploy' } }));
    write('docs/guide.md', '# Guide\n\n## Deploying it\n\nText.\n');
  });
  afterEach(() => rmSync(fixture, { recursive: true, force: true }));

  it('passes links, anchors and same-file anchors that resolve', () => {
    write('README.md', '# Read me\n\nSee [deploying](docs/guide.md#deploying-it), [top](#read-me) and [the folder](docs/).\n');
    expect(checkLinks(fixture)).toEqual([]);
  });

  it('reports a missing file and a missing anchor with file and line', () => {
    write('README.md', '# Read me\n\n[gone](docs/missing.md)\n\n[bad anchor](docs/guide.md#deploy)\n');
    expect(checkLinks(fixture).map(formatProblem)).toEqual([
      'README.md:3: broken link "docs/missing.md": docs/missing.md does not exist',
      'README.md:5: broken anchor "#deploy" in link "docs/guide.md#deploy": no such heading in docs/guide.md',
    ]);
  });

  it('reports a link out of the repository and a root-relative link', () => {
    write('README.md', '# Read me\n\n[up](../elsewhere.md)\n[root](/docs/guide.md)\n');
    expect(checkLinks(fixture).map(formatProblem)).toEqual([
      'README.md:3: link "../elsewhere.md" points outside the repository',
      'README.md:4: link "/docs/guide.md" starts with "/": on GitHub that leaves the repository; use a relative path',
    ]);
  });

  it('reports an npm script that package.json does not have', () => {
    write('docs/guide.md', '# Guide\n\n```bash\nnpm test\nnpm run deploy\nnpm run deploy:staging\nnpm start\n```\n');
    expect(checkNpmScripts(fixture).map(formatProblem)).toEqual([
      'docs/guide.md:6: "npm run deploy:staging" is shown, but package.json has no "deploy:staging" script',
      'docs/guide.md:7: "npm start" is shown, but package.json has no "start" script',
    ]);
  });

  it('reports a quoted test name that the linked test file does not have', () => {
    write('test/saga.test.ts', "it('compensates when a transient error outlasts every retry', () => {});\nit.each([1])('rejects %s', () => {});\n");
    write(
      'docs/guide.md',
      [
        '# Guide',
        '',
        '| Failure | Proved by |',
        '| --- | --- |',
        '| Retries run out | [`saga.test.ts`](../test/saga.test.ts), *compensates when a transient error outlasts every retry* |',
        '| Bad input | [`saga.test.ts`](../test/saga.test.ts), *rejects ...* and *charges twice* |',
        '',
        'Prose in *italics* without a test link is not checked.',
      ].join('\n'),
    );
    expect(checkTestNames(fixture).map(formatProblem)).toEqual(['docs/guide.md:6: no test named "charges twice" in test/saga.test.ts']);
  });

  it('checks lab minutes against labs/labs.json, in the agenda and in any other minutes table', () => {
    write(
      'labs/labs.json',
      JSON.stringify({
        labs: [
          { id: 1, folder: '01-outbox', title: 'Outbox', minutes: 40 },
          { id: 2, folder: '02-relay', title: 'Relay', minutes: 35 },
        ],
      }),
    );
    write(
      'docs/instructor-guide.md',
      [
        '# Instructor guide',
        '',
        '## Agenda',
        '',
        '| Block | Minutes |',
        '| --- | --- |',
        '| Welcome | 10 |',
        '| [Lab 1](../labs/01-outbox/README.md) | 45 |',
        '| **Total** | 50 |',
        '',
      ].join('\n'),
    );
    write('labs/README.md', '# Labs\n\n| Lab | Minutes |\n| --- | --- |\n| [Relay](02-relay/README.md) | 35 |\n| [Nope](03-nope/README.md) | 5 |\n');

    expect(checkLabMinutes(fixture).map(formatProblem)).toEqual([
      'docs/instructor-guide.md:8: lab 01-outbox is 45 minutes here but 40 in labs/labs.json',
      'docs/instructor-guide.md:9: the Total row says 50 minutes but the rows above add up to 55',
      'labs/README.md:6: links to lab folder "03-nope", which labs/labs.json does not list',
      'docs/instructor-guide.md:5: the agenda does not list lab 02-relay (35 minutes in labs/labs.json); link its README in a row',
    ]);
  });

  it('accepts a top-level array in labs/labs.json, and folders with their labs/ prefix', () => {
    write('labs/labs.json', JSON.stringify([{ id: 1, folder: 'labs/01-outbox', title: 'Outbox', minutes: 40 }]));
    write('docs/instructor-guide.md', '# Guide\n\n## Agenda\n\n| Lab | Minutes |\n| --- | --- |\n| [Lab 1](../labs/01-outbox/) | 40 |\n');
    expect(checkLabMinutes(fixture)).toEqual([]);
  });
});

describe('spoilers stay out of the learning path', () => {
  let fixture: string;

  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    writeFileSync(path.join(fixture, file), content);
  };

  beforeEach(() => {
    fixture = mkdtempSync(path.join(os.tmpdir(), 'check-spoilers-'));
  });
  afterEach(() => rmSync(fixture, { recursive: true, force: true }));

  it('follows each lab README to the guides it links, and no further', () => {
    write('labs/01-x/README.md', '# Lab\n\nRead [the guide](../../docs/patterns/x.md).\n');
    write('docs/patterns/x.md', '# Guide\n\nSee [more](../other.md).\n');
    write('docs/other.md', '# Other\n');
    expect(learningPath(fixture)).toEqual(['docs/patterns/x.md', 'labs/01-x/README.md']);
  });

  it('reports a link into solution/src before the spoiler section, with file and line, and accepts it inside', () => {
    write('labs/01-x/README.md', '# Lab\n\nRead [the guide](../../docs/patterns/x.md).\n');
    write(
      'docs/patterns/x.md',
      [
        '# Guide',
        '',
        'The write is in [`orders.ts`](../../solution/src/lib/orders.ts); the table in [`serverless.yml`](../../solution/serverless.yml).',
        '',
        '## The finished code: spoilers for lab 1',
        '',
        '- [`orders.ts`](../../solution/src/lib/orders.ts)',
        '',
      ].join('\n'),
    );
    expect(checkSpoilers(fixture).map(formatProblem)).toEqual([
      'docs/patterns/x.md:3: links to the finished code (solution/src/lib/orders.ts) on the learning path; move the link to a last section "## The finished code: spoilers for lab N"',
    ]);
  });

  it('reports a spoiler section that is not the last one', () => {
    write('labs/01-x/README.md', '# Lab\n\n## The finished code: spoilers for lab 1\n\n## Hints\n');
    expect(checkSpoilers(fixture).map(formatProblem)).toEqual(['labs/01-x/README.md:3: the spoiler section must be the last section of the file']);
  });
});

describe("this repository's Markdown", () => {
  const files = findMarkdownFiles(ROOT);

  it('finds the docs and skips node_modules', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/instructor-guide.md']));
    expect(files.some((file) => file.includes('node_modules'))).toBe(false);
  });

  it('has no broken relative links or anchors', () => {
    expect(checkLinks(ROOT, files).map(formatProblem)).toEqual([]);
  });

  it('shows only npm scripts that package.json has', () => {
    expect(checkNpmScripts(ROOT, files).map(formatProblem)).toEqual([]);
  });

  it('names only tests that exist, next to the test files it links', () => {
    expect(checkTestNames(ROOT, files).map(formatProblem)).toEqual([]);
  });

  it("gives each lab the minutes labs/labs.json gives it, and the instructor guide's agenda lists every lab", () => {
    expect(checkLabMinutes(ROOT, files).map(formatProblem)).toEqual([]);
  });

  it('links to the finished code only in the last section of a lab README or the guides it links', () => {
    expect(checkSpoilers(ROOT, files).map(formatProblem)).toEqual([]);
  });
});
