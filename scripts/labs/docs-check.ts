import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabStep } from './lab-tree';
import { type Lab, REPO_ROOT } from './manifest';

/**
 * The lab READMEs say what labs.json and the starters say: titles, minutes,
 * the check command, one "### Step N" per TODO step, and the manifest's three
 * hints word for word. A reworded hint or a renumbered step that reaches
 * only one of them is caught here.
 */
const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The hints of a lab README: the text inside each `<details>` whose summary starts with "Hint". */
export function readmeHints(markdown: string): string[] {
  const hints: string[] = [];
  const block = /<details>\s*<summary>\s*Hint \d+[^<]*<\/summary>([\s\S]*?)<\/details>/g;
  for (let match = block.exec(markdown); match; match = block.exec(markdown)) hints.push(normalise(match[1]));
  return hints;
}

export function checkLabReadme(lab: Lab, steps: readonly LabStep[]): string[] {
  const file = `${lab.folder}/README.md`;
  const absolute = path.join(REPO_ROOT, file);
  if (!existsSync(absolute)) return [`${file} is missing`];
  const markdown = readFileSync(absolute, 'utf8');
  const problems: string[] = [];
  const heading = `# Lab ${lab.id} · ${lab.title}`;
  if (!markdown.startsWith(`${heading}\n`)) problems.push(`${file} must start with "${heading}"`);
  if (!markdown.includes(`${lab.minutes} minutes`)) problems.push(`${file} must give the lab's time: "${lab.minutes} minutes" (labs.json)`);
  if (!markdown.includes(`npm run check:lab ${lab.id}`)) problems.push(`${file} must show "npm run check:lab ${lab.id}"`);
  for (const step of new Set(steps.map((s) => s.step))) {
    if (!new RegExp(`^### Step ${step}\\b`, 'm').test(markdown))
      problems.push(`${file} needs a "### Step ${step}" section for the TODO "lab ${lab.id}, step ${step}"`);
  }
  if (!/^## Done when$/m.test(markdown)) problems.push(`${file} needs a "## Done when" section`);
  // The learner's code in the whole system: the last section starts it, and test-api.sh is the final check.
  const watch = markdown.slice(markdown.lastIndexOf('\n## ') + 1);
  if (!watch.startsWith('## Watch your code run\n') || !watch.includes(`npm start -- --lab ${lab.id}`) || !watch.includes('./test-api.sh')) {
    problems.push(`${file} must end with a "## Watch your code run" section showing \`npm start -- --lab ${lab.id}\` and \`./test-api.sh\``);
  }
  const hints = readmeHints(markdown);
  const expected = lab.hints.map(normalise);
  if (hints.length !== expected.length) {
    problems.push(`${file} shows ${hints.length} hints in <details> blocks; labs.json has ${expected.length}`);
  } else {
    hints.forEach((hint, i) => {
      if (hint !== expected[i]) problems.push(`${file}: hint ${i + 1} differs from labs.json (copy it from there)`);
    });
  }
  return problems;
}

/** labs/README.md has one table row per lab: id, linked title, minutes, its check command. */
export function checkLabsIndex(labs: readonly Lab[]): string[] {
  const file = 'labs/README.md';
  const absolute = path.join(REPO_ROOT, file);
  if (!existsSync(absolute)) return [`${file} is missing`];
  const rows = readFileSync(absolute, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('|'));
  const problems: string[] = [];
  for (const lab of labs) {
    const row = rows.find((line) => line.replace(/\s+/g, ' ').startsWith(`| ${lab.id} |`));
    const link = `[${lab.title}](${lab.folder.replace(/^labs\//, '')}/README.md)`;
    if (!row) problems.push(`${file} has no table row for lab ${lab.id}`);
    else if (!row.includes(link) || !row.includes(`| ${lab.minutes} |`) || !row.includes(`npm run check:lab ${lab.id}`)) {
      problems.push(`${file}: the row of lab ${lab.id} must hold ${link}, "| ${lab.minutes} |" and \`npm run check:lab ${lab.id}\` (labs.json)`);
    }
  }
  return problems;
}
