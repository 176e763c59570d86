/**
 * What went wrong, in a few lines a learner can read: jest's matcher line
 * ("expect(received).toEqual(expected) // deep equality") and its stack are
 * dropped; what was expected and what the code did are kept. A diff keeps
 * only its changed lines. `check:lab N -- --verbose` prints jest's full text.
 */
const MAX_LINES = 8;
const MATCHER_LINE = /^(?:\w*Error: )?expect\(.*?\)((?:\.(?:not|resolves|rejects))*)\.(\w+)\(.*\)(?:\s*\/\/.*)?$/;
const STACK_LINE = /^\s*at /;
const DIFF_HEADER_EXPECTED = /^- Expected(?:\s+-\s*\d+)?\s*$/;
const DIFF_HEADER_RECEIVED = /^\+ Received(?:\s+\+\s*\d+)?\s*$/;

export function readableProblem(message: string | undefined): string[] {
  if (!message || message.trim() === '') return ['The test failed without a message.'];
  const body: string[] = [];
  for (const line of message.split('\n')) {
    if (STACK_LINE.test(line)) break;
    body.push(line.trimEnd());
  }
  const matcher = body[0]?.match(MATCHER_LINE);
  if (!matcher) return cap(withoutBlankRuns(body.map((line, i) => (i === 0 ? line.replace(/^(Error|JestAssertionError): /, '') : line))));
  const rest = body.slice(1);
  const negated = matcher[1].includes('.not');
  const diffStart = rest.findIndex((line) => DIFF_HEADER_EXPECTED.test(line));
  if (diffStart >= 0 && DIFF_HEADER_RECEIVED.test(rest[diffStart + 1] ?? '')) {
    const changed = rest.slice(diffStart + 2).filter((line) => /^[-+]/.test(line));
    return cap(['Expected (-) and received (+) differ:', ...changed.map((line) => `  ${line}`)]);
  }
  const lines = withoutBlankRuns(rest).filter((line) => line.trim() !== '');
  if (lines.length === 0) return [`The check ${negated ? 'not ' : ''}${matcher[2]} failed.`];
  return cap(lines);
}

function withoutBlankRuns(lines: readonly string[]): string[] {
  const kept = lines.filter((line, i) => line.trim() !== '' || (i > 0 && lines[i - 1].trim() !== ''));
  while (kept.length > 0 && kept[kept.length - 1].trim() === '') kept.pop();
  while (kept.length > 0 && kept[0].trim() === '') kept.shift();
  return kept;
}

function cap(lines: string[]): string[] {
  const short = lines.map((line) => (line.length > 160 ? `${line.slice(0, 157)}...` : line));
  return short.length > MAX_LINES ? [...short.slice(0, MAX_LINES), '…'] : short;
}
