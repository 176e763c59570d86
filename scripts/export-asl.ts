/**
 * Prints the order saga's Amazon States Language definition, as written in
 * solution/serverless.yml (variables resolved), e.g. to paste into the Step
 * Functions console's Workflow Studio.
 *
 *   npm run export-asl                       # stage dev, to stdout
 *   npm run export-asl -- --stage prod --out saga.asl.json
 */
import { writeFileSync } from 'node:fs';
import { UsageError, checkStage, parseArgs } from './cli-args';
import { loadServiceConfig } from './local-cloud/serverless-config';

function main(): void {
  const { values } = parseArgs(process.argv.slice(2), { values: ['stage', 'out'] });
  const config = loadServiceConfig({ stage: checkStage(values.stage ?? 'dev') });
  const machine = config.stateMachines[0];
  const asl = JSON.stringify(machine.definition, null, 2);
  if (values.out) {
    writeFileSync(values.out, `${asl}\n`);
    console.error(`Wrote ${machine.name} to ${values.out}`);
  } else {
    process.stdout.write(`${asl}\n`);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof UsageError ? `export-asl: ${error.message}` : error);
  process.exit(2);
}
