import type { ServiceConfig } from './local-cloud/serverless-config';

/**
 * Turns the state machine definition in serverless.yml into plain Amazon
 * States Language: every CloudFormation intrinsic (`!GetAtt fn.Arn`,
 * `!Ref Table`, `!Sub ...`) becomes the ARN or name CloudFormation would
 * produce for a given account, region and stage. Workflow Studio and
 * `aws stepfunctions validate-state-machine-definition` accept only plain ASL.
 */
export class AslExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AslExportError';
  }
}

export interface AwsTarget {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

/** AWS documentation's example account: obviously not anyone's real one. */
export const EXAMPLE_ACCOUNT = '123456789012';

export function resolveIntrinsics(config: ServiceConfig, target: AwsTarget, value: unknown, where = 'definition'): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveIntrinsics(config, target, item, `${where}[${index}]`));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return resolveOne(config, target, object, where);
  return Object.fromEntries(keys.map((key) => [key, resolveIntrinsics(config, target, object[key], `${where}.${key}`)]));
}

function arn(target: AwsTarget, service: string, resource: string, regional = true): string {
  return `arn:${target.partition ?? 'aws'}:${service}:${regional ? target.region : ''}:${target.account}:${resource}`;
}

function resolveOne(config: ServiceConfig, target: AwsTarget, intrinsic: Record<string, unknown>, where: string): string {
  const [[kind, argument]] = Object.entries(intrinsic);
  const fail = () =>
    new AslExportError(
      `${where}: cannot turn ${JSON.stringify(intrinsic)} into plain ASL (export-asl knows functions, tables, queues, buses, topics, state machines and log groups)`,
    );
  if (kind === 'Fn::GetAtt') {
    const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
    if (config.functions[logicalId] && attribute === 'Arn') return functionArn(config, target, logicalId);
    const resource = config.resources[logicalId];
    const props = resource?.Properties ?? {};
    if (resource?.Type === 'AWS::DynamoDB::Table' && attribute === 'Arn') return arn(target, 'dynamodb', `table/${props.TableName}`);
    if (resource?.Type === 'AWS::SQS::Queue' && attribute === 'Arn') return arn(target, 'sqs', String(props.QueueName));
    if (resource?.Type === 'AWS::Events::EventBus' && attribute === 'Arn') return arn(target, 'events', `event-bus/${props.Name}`);
    if (resource?.Type === 'AWS::Logs::LogGroup' && attribute === 'Arn') return arn(target, 'logs', `log-group:${props.LogGroupName}:*`);
    throw fail();
  }
  if (kind === 'Ref') {
    const logicalId = String(argument);
    if (logicalId === 'AWS::Region') return target.region;
    if (logicalId === 'AWS::AccountId') return target.account;
    if (logicalId === 'AWS::Partition') return target.partition ?? 'aws';
    const machine = config.stateMachines.find((m) => m.logicalId === logicalId);
    if (machine) return arn(target, 'states', `stateMachine:${machine.name}`);
    const resource = config.resources[logicalId];
    const props = resource?.Properties ?? {};
    if (resource?.Type === 'AWS::DynamoDB::Table') return String(props.TableName);
    if (resource?.Type === 'AWS::Events::EventBus') return String(props.Name);
    if (resource?.Type === 'AWS::SNS::Topic') return arn(target, 'sns', String(props.TopicName));
    if (resource?.Type === 'AWS::SQS::Queue') return `https://sqs.${target.region}.amazonaws.com/${target.account}/${props.QueueName}`;
    if (resource?.Type === 'AWS::Logs::LogGroup') return String(props.LogGroupName);
    throw fail();
  }
  if (kind === 'Fn::Sub' && typeof argument === 'string') {
    return argument.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const [logicalId, attribute] = name.split('.');
      return attribute ? resolveOne(config, target, { 'Fn::GetAtt': [logicalId, attribute] }, where) : resolveOne(config, target, { Ref: logicalId }, where);
    });
  }
  throw fail();
}

/** The name `sls` gives a function (no `name:` override in serverless.yml). */
export function functionArn(config: ServiceConfig, target: AwsTarget, functionKey: string): string {
  return arn(target, 'lambda', `function:${config.service}-${config.stage}-${functionKey}`);
}

/** Problems that would make Workflow Studio refuse the definition; empty when it is plain ASL. */
export function aslProblems(definition: unknown): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(definition);
  if (/"(Fn::[A-Za-z]+|Ref)":/.test(text)) problems.push('a CloudFormation intrinsic (Fn:: or Ref) is left in the definition');
  if (/\$\{[^}]*\}/.test(text)) problems.push('an unresolved ${...} variable is left in the definition');
  const visit = (states: unknown, path: string) => {
    if (!states || typeof states !== 'object') return problems.push(`${path} must be an object of states`);
    for (const [name, state] of Object.entries(states as Record<string, any>)) {
      if (state?.Type === 'Task' && (typeof state.Resource !== 'string' || !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(state.Resource))) {
        problems.push(`${path}.${name}.Resource must be an ARN string, got ${JSON.stringify(state.Resource)}`);
      }
      for (const branch of state?.Branches ?? []) visit(branch.States, `${path}.${name}.Branches`);
      if (state?.Iterator) visit(state.Iterator.States, `${path}.${name}.Iterator`);
      if (state?.ItemProcessor) visit(state.ItemProcessor.States, `${path}.${name}.ItemProcessor`);
    }
    return undefined;
  };
  const root = definition as Record<string, unknown>;
  if (typeof root?.StartAt !== 'string') problems.push('StartAt must name a state');
  visit(root?.States, 'States');
  return problems;
}
