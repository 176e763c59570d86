/**
 * The second half of `npm run doctor`, once `npm ci` has run: checks that
 * need the packages. Started by scripts/doctor.cjs (the plain-Node half);
 * prints its lines in the same format. Exit 1 when something must be fixed.
 *
 *   --quick   skip starting DynamoDB Local
 */
import '../local-cloud/quiet-sdk';
import { type CheckResult, checkBackgroundEngine, checkDynamoDbLocal, checkServerlessYml } from './checks';

const SYMBOL: Record<CheckResult['outcome'], string> = { ok: '✔', warn: '!', fail: '✘' };

async function main(): Promise<number> {
  const results = [checkServerlessYml(), checkBackgroundEngine()];
  if (!process.argv.includes('--quick')) results.push(...(await checkDynamoDbLocal()));
  for (const result of results) {
    console.log(`  ${SYMBOL[result.outcome]} ${result.title}`);
    if (result.fix && result.outcome !== 'ok') console.log(`      → ${result.fix}`);
  }
  return results.some((r) => r.outcome === 'fail') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
