import { spawnSync } from 'node:child_process';

/**
 * What a class leaves behind in a shared AWS account, across every stage,
 * found and removed through the AWS CLI (the SDK clients for CloudFormation,
 * S3, Logs, API Gateway, SQS and EventBridge are not among this project's
 * packages). Everything this service creates is named after it
 * (`distributed-patterns-demo-…`, REST APIs `<stage>-distributed-patterns-demo`),
 * so a name filter finds every learner's leftovers, including resources a
 * failed `remove` left outside their stack (a retained bucket, a log group
 * Lambda re-created after the stack went).
 */
export const SERVICE = 'distributed-patterns-demo';

export class AwsCliMissingError extends Error {
  constructor() {
    super(
      'The AWS CLI (`aws`) was not found on PATH. Install v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html, then `aws sts get-caller-identity` to check your login.',
    );
    this.name = 'AwsCliMissingError';
  }
}

export class AwsCliError extends Error {
  constructor(args: readonly string[], stderr: string) {
    super(`aws ${args.slice(0, 2).join(' ')} failed: ${stderr.trim().split('\n').slice(-2).join(' ')}`);
    this.name = 'AwsCliError';
  }
}

export type Kind = 'stack' | 'bucket' | 'table' | 'function' | 'log group' | 'REST API' | 'state machine' | 'queue' | 'event bus' | 'role';

export interface Leftover {
  readonly kind: Kind;
  /** What the delete command needs: a name, an ARN, an id or a URL. */
  readonly id: string;
  /** A readable name (the same as id unless id is opaque). */
  readonly name: string;
}

interface Lister {
  readonly kind: Kind;
  readonly args: (region: string) => string[];
  readonly parse: (json: unknown) => Leftover[];
}

const ALIVE_STACK_STATUSES = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'CREATE_COMPLETE',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED',
  'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
];
const starts = `'${SERVICE}-'`;
const names = (kind: Kind) => (json: unknown) => ((json as string[] | null) ?? []).map((name) => ({ kind, id: name, name }));
const region = (r: string) => ['--region', r, '--output', 'json'];

/** One AWS CLI call per kind of resource; every query filters on the service's name. */
export const LISTERS: readonly Lister[] = [
  {
    kind: 'stack',
    args: (r) => [
      'cloudformation',
      'list-stacks',
      '--stack-status-filter',
      ...ALIVE_STACK_STATUSES,
      '--query',
      `StackSummaries[?starts_with(StackName, ${starts})].StackName`,
      ...region(r),
    ],
    parse: names('stack'),
  },
  { kind: 'bucket', args: (r) => ['s3api', 'list-buckets', '--query', `Buckets[?starts_with(Name, ${starts})].Name`, ...region(r)], parse: names('bucket') },
  { kind: 'table', args: (r) => ['dynamodb', 'list-tables', '--query', `TableNames[?starts_with(@, ${starts})]`, ...region(r)], parse: names('table') },
  {
    kind: 'function',
    args: (r) => ['lambda', 'list-functions', '--query', `Functions[?starts_with(FunctionName, ${starts})].FunctionName`, ...region(r)],
    parse: names('function'),
  },
  {
    kind: 'log group',
    args: (r) => ['logs', 'describe-log-groups', '--query', `logGroups[?contains(logGroupName, ${starts})].logGroupName`, ...region(r)],
    parse: names('log group'),
  },
  {
    kind: 'REST API',
    args: (r) => ['apigateway', 'get-rest-apis', '--query', `items[?ends_with(name, '-${SERVICE}')].[id, name]`, ...region(r)],
    parse: (json) => ((json as [string, string][] | null) ?? []).map(([id, name]) => ({ kind: 'REST API', id, name })),
  },
  {
    kind: 'state machine',
    args: (r) => ['stepfunctions', 'list-state-machines', '--query', `stateMachines[?starts_with(name, ${starts})].[stateMachineArn, name]`, ...region(r)],
    parse: (json) => ((json as [string, string][] | null) ?? []).map(([id, name]) => ({ kind: 'state machine', id, name })),
  },
  {
    kind: 'queue',
    args: (r) => ['sqs', 'list-queues', '--queue-name-prefix', `${SERVICE}-`, '--query', 'QueueUrls', ...region(r)],
    parse: (json) => ((json as string[] | null) ?? []).map((url) => ({ kind: 'queue', id: url, name: url.split('/').pop() ?? url })),
  },
  {
    kind: 'event bus',
    args: (r) => ['events', 'list-event-buses', '--name-prefix', `${SERVICE}-`, '--query', 'EventBuses[].Name', ...region(r)],
    parse: names('event bus'),
  },
  { kind: 'role', args: (r) => ['iam', 'list-roles', '--query', `Roles[?starts_with(RoleName, ${starts})].RoleName`, ...region(r)], parse: names('role') },
];

/**
 * The AWS CLI calls that delete one leftover. Stacks go first (and are
 * waited for): deleting a stack removes most of the rest the right way.
 * Roles are only listed: their inline policies must go first, and the
 * stack that made them deletes them.
 */
export function deleteCommands(item: Leftover, awsRegion: string): string[][] {
  const r = ['--region', awsRegion];
  switch (item.kind) {
    case 'stack':
      return [
        ['cloudformation', 'delete-stack', '--stack-name', item.id, ...r],
        ['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', item.id, ...r],
      ];
    case 'bucket':
      // A deployment bucket holds the packaged zips: it must be emptied first (--force).
      return [['s3', 'rb', `s3://${item.id}`, '--force', ...r]];
    case 'table':
      return [['dynamodb', 'delete-table', '--table-name', item.id, ...r]];
    case 'function':
      return [['lambda', 'delete-function', '--function-name', item.id, ...r]];
    case 'log group':
      return [['logs', 'delete-log-group', '--log-group-name', item.id, ...r]];
    case 'REST API':
      return [['apigateway', 'delete-rest-api', '--rest-api-id', item.id, ...r]];
    case 'state machine':
      return [['stepfunctions', 'delete-state-machine', '--state-machine-arn', item.id, ...r]];
    case 'queue':
      return [['sqs', 'delete-queue', '--queue-url', item.id, ...r]];
    case 'event bus':
      return [['events', 'delete-event-bus', '--name', item.id, ...r]];
    case 'role':
      return [];
  }
}

export type AwsRunner = (args: string[]) => string;

/** Runs the AWS CLI and returns its stdout; named errors when it is missing or fails. */
export const runAws: AwsRunner = (args) => {
  const result = spawnSync('aws', args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') throw new AwsCliMissingError();
  if (result.error) throw result.error;
  if (result.status !== 0) throw new AwsCliError(args, result.stderr);
  return result.stdout;
};

export function listLeftovers(awsRegion: string, run: AwsRunner = runAws): Leftover[] {
  return LISTERS.flatMap((lister) => {
    const out = run(lister.args(awsRegion)).trim();
    return lister.parse(out ? JSON.parse(out) : null);
  });
}

/** The stage a leftover belongs to, read from its name (undefined when the name does not say). */
export function stageOf(item: Leftover): string | undefined {
  const name = item.kind === 'log group' ? item.name.replace(/^.*\//, '') : item.name;
  if (item.kind === 'REST API') return name.slice(0, -`-${SERVICE}`.length) || undefined;
  if (item.kind === 'stack') return name.slice(SERVICE.length + 1) || undefined;
  if (item.kind === 'function' || item.kind === 'bucket' || item.kind === 'role') return name.slice(SERVICE.length + 1).split('-')[0] || undefined;
  if (item.kind === 'log group' && name.startsWith(`${SERVICE}-`) && item.name.includes('/aws/lambda/')) return name.slice(SERVICE.length + 1).split('-')[0];
  return name.split('-').pop();
}
