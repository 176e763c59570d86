/**
 * `npm run doctor`: is this machine ready for the workshop? Checks Node.js,
 * the npm packages, Java, solution/serverless.yml, the local cloud's ports
 * and that DynamoDB Local really starts. Exit status 0 when ready, 1 when
 * something must be fixed, 2 for a bad argument.
 *
 *   npm run doctor
 *   npm run doctor -- --quick     # skip starting DynamoDB Local
 */
import './local-cloud/quiet-sdk';
import { UsageError, parseArgs } from './cli-args';
import { type CheckResult, checkDependencies, checkDynamoDbLocal, checkJava, checkNode, checkPorts, checkServerlessYml } from './doctor/checks';

const SYMBOL: Record<CheckResult['outcome'], string> = { ok: '✔', warn: '!', fail: '✘' };

function print(result: CheckResult): void {
  console.log(`  ${SYMBOL[result.outcome]} ${result.title}`);
  if (result.fix && result.outcome !== 'ok') console.log(`      → ${result.fix}`);
}

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), { values: [], flags: ['quick'] });
  console.log('Checking this machine for the workshop…\n');
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    print(result);
  };
  record(checkNode());
  record(checkDependencies());
  const java = checkJava();
  record(java);
  record(checkServerlessYml());
  for (const result of await checkPorts()) record(result);
  if (!flags.has('quick') && java.outcome !== 'fail') record(await checkDynamoDbLocal());

  const failures = results.filter((r) => r.outcome === 'fail').length;
  const warnings = results.filter((r) => r.outcome === 'warn').length;
  console.log(
    failures > 0
      ? `\n${failures} problem(s) to fix before the workshop (see → above). docs/troubleshooting.md has more.`
      : `\nReady for the workshop${warnings > 0 ? ` (${warnings} warning(s) above)` : ''}. Next: npm test, or npm start.`,
  );
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof UsageError ? `doctor: ${error.message}` : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
