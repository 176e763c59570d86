import type { ServiceConfig } from './serverless-config';

/** The account id every local ARN uses. */
export const LOCAL_ACCOUNT = '000000000000';

export function stateMachineArn(config: ServiceConfig, name: string): string {
  return `arn:aws:states:${config.region}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function executionArn(config: ServiceConfig, machineName: string, executionName: string): string {
  return `arn:aws:states:${config.region}:${LOCAL_ACCOUNT}:execution:${machineName}:${executionName}`;
}

export function lambdaArn(config: ServiceConfig, functionName: string): string {
  return `arn:aws:lambda:${config.region}:${LOCAL_ACCOUNT}:function:${config.service}-${config.stage}-${functionName}`;
}

/**
 * Resolves the CloudFormation intrinsics serverless.yml uses in function
 * environments and event settings to their local equivalents.
 */
export function resolveLocalValue(config: ServiceConfig, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('Ref' in value) {
    const ref = String((value as { Ref: string }).Ref);
    const machine = config.stateMachines.find((m) => m.logicalId === ref);
    if (machine) return stateMachineArn(config, machine.name);
    const resource = config.resources[ref];
    if (resource?.Type === 'AWS::DynamoDB::Table') return resource.Properties?.TableName;
    if (resource?.Type === 'AWS::Events::EventBus') return resource.Properties?.Name;
    if (resource?.Type === 'AWS::SQS::Queue') return `http://local/queue/${resource.Properties?.QueueName}`;
    throw new Error(`The local cloud cannot resolve { Ref: ${ref} }`);
  }
  if ('Fn::GetAtt' in value) {
    const [logicalId, attribute] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const resource = config.resources[logicalId];
    if (resource?.Type === 'AWS::DynamoDB::Table') {
      const tableArn = `arn:aws:dynamodb:${config.region}:${LOCAL_ACCOUNT}:table/${resource.Properties?.TableName}`;
      return attribute === 'StreamArn' ? `${tableArn}/stream/local` : tableArn;
    }
    if (resource?.Type === 'AWS::SQS::Queue') return `arn:aws:sqs:${config.region}:${LOCAL_ACCOUNT}:${resource.Properties?.QueueName}`;
    if (config.functions[logicalId]) return lambdaArn(config, logicalId);
    throw new Error(`The local cloud cannot resolve { Fn::GetAtt: [${logicalId}, ${attribute}] }`);
  }
  throw new Error(`The local cloud cannot resolve ${JSON.stringify(value)}`);
}

/** Every function's environment, resolved. Functions share one process locally, so this is their union. */
export function functionEnvironment(config: ServiceConfig): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const fn of Object.values(config.functions)) {
    for (const [key, value] of Object.entries(fn.environment)) environment[key] = String(resolveLocalValue(config, value) ?? '');
  }
  return environment;
}
