/**
 * Prints the order saga's Amazon States Language definition, as written in
 * solution/serverless.yml, with every CloudFormation intrinsic turned into
 * the ARN or name a deployed stage would have: plain ASL to paste into the
 * Step Functions console's Workflow Studio, or to check with
 * `aws stepfunctions validate-state-machine-definition`.
 *
 *   npm run export-asl                                   # stage dev, us-east-1, example account
 *   npm run export-asl -- --stage prod --region eu-west-1 --account 111122223333 --out saga.asl.json
 */
import { writeFileSync } from 'node:fs';
import { AslExportError, EXAMPLE_ACCOUNT, aslProblems, resolveIntrinsics } from './asl-intrinsics';
import { UsageError, checkStage, parseArgs } from './cli-args';
import { loadServiceConfig } from './local-cloud/serverless-config';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT_PATTERN = /^\d{12}$/;

function main(): void {
  const { values } = parseArgs(process.argv.slice(2), { values: ['stage', 'region', 'account', 'out'] });
  const region = values.region ?? 'us-east-1';
  if (!REGION_PATTERN.test(region)) throw new UsageError(`--region "${region}" must be an AWS region such as us-east-1`);
  const account = values.account ?? EXAMPLE_ACCOUNT;
  if (!ACCOUNT_PATTERN.test(account)) throw new UsageError(`--account "${account}" must be a 12-digit AWS account id`);
  const config = loadServiceConfig({ stage: checkStage(values.stage ?? 'dev'), region });
  const machine = config.stateMachines[0];
  const definition = resolveIntrinsics(config, { account, region }, machine.definition, machine.name);
  const problems = aslProblems(definition);
  if (problems.length > 0) throw new AslExportError(`The exported definition would not be valid ASL:\n  ${problems.join('\n  ')}`);
  const asl = JSON.stringify(definition, null, 2);
  if (values.out) {
    writeFileSync(values.out, `${asl}\n`);
    console.error(`Wrote ${machine.name} (${region}, account ${account}) to ${values.out}`);
  } else {
    process.stdout.write(`${asl}\n`);
  }
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError || error instanceof AslExportError) {
    console.error(`export-asl: ${error.message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
  console.error(error);
  process.exit(1);
}
