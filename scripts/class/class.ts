/**
 * After a class that deployed to one shared AWS account:
 *
 *   npm run class:inventory -- --region us-east-1          # everything left behind, by stage
 *   npm run class:cleanup -- --region us-east-1            # what would be deleted (nothing is)
 *   npm run class:cleanup -- --region us-east-1 --yes      # delete it: stacks first, then leftovers
 *
 * Needs the AWS CLI v2, logged in to the class account with rights to list
 * and delete (an administrator, not a learner's policy).
 */
import '../local-cloud/quiet-sdk';
import { UsageError, parseArgs } from '../cli-args';
import { AwsCliError, AwsCliMissingError, type Leftover, deleteCommands, listLeftovers, runAws, stageOf } from './class-resources';

function printInventory(items: readonly Leftover[], awsRegion: string): void {
  if (items.length === 0) {
    console.log(`Nothing of distributed-patterns-demo is left in ${awsRegion} (IAM roles: account-wide).`);
    return;
  }
  const byStage = new Map<string, Leftover[]>();
  for (const item of items) {
    const stage = stageOf(item) ?? '(unknown stage)';
    byStage.set(stage, [...(byStage.get(stage) ?? []), item]);
  }
  console.log(`${items.length} resource(s) of distributed-patterns-demo in ${awsRegion}, ${byStage.size} stage(s):`);
  for (const [stage, stageItems] of [...byStage].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`\n  stage ${stage}`);
    for (const item of stageItems) console.log(`    ${item.kind.padEnd(13)} ${item.name}`);
  }
}

function main(): number {
  const [command, ...argv] = process.argv.slice(2);
  if (command !== 'inventory' && command !== 'cleanup') throw new UsageError(`first argument must be inventory or cleanup, got "${command ?? ''}"`);
  const { values, flags } = parseArgs(argv, { values: ['region'], flags: ['yes'] });
  const awsRegion = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const items = listLeftovers(awsRegion);
  printInventory(items, awsRegion);
  if (command === 'inventory' || items.length === 0) return 0;

  // Stacks first: deleting a stack removes its resources in the right order.
  const ordered = [...items.filter((i) => i.kind === 'stack'), ...items.filter((i) => i.kind !== 'stack' && i.kind !== 'role')];
  if (!flags.has('yes')) {
    console.log(`\nWould delete ${ordered.length} (stacks first, then what they left behind). Nothing was deleted: add --yes to do it.`);
    return 0;
  }
  for (const item of ordered) {
    console.log(`deleting ${item.kind} ${item.name}`);
    for (const args of deleteCommands(item, awsRegion)) {
      try {
        runAws(args);
      } catch (error) {
        // Gone already (its stack took it): that is what we wanted.
        if (error instanceof AwsCliError && /not ?found|does not exist|NoSuch/i.test(error.message)) break;
        throw error;
      }
    }
  }
  const remaining = listLeftovers(awsRegion).filter((i) => i.kind !== 'role');
  console.log(
    remaining.length === 0
      ? '\nClean: nothing of the class is left (but IAM users and roles; see docs/instructor-guide.md).'
      : `\n${remaining.length} resource(s) remain: run again, or see docs/troubleshooting.md.`,
  );
  return remaining.length === 0 ? 0 : 1;
}

try {
  process.exit(main());
} catch (error) {
  if (error instanceof UsageError || error instanceof AwsCliMissingError || error instanceof AwsCliError) {
    console.error(`class: ${error.message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
  throw error;
}
