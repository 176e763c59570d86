import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadServiceConfig } from '../local-cloud/serverless-config';

/**
 * solution/iam/learner-deploy-policy.json: what an instructor attaches to
 * the class's IAM group. Each learner's stage is their IAM user name
 * (`${aws:username}`), so a learner can deploy and remove their own stage
 * and nothing of anyone else's.
 */
interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
const POLICY_FILE = path.resolve(__dirname, '../../solution/iam/learner-deploy-policy.json');
const text = readFileSync(POLICY_FILE, 'utf8');
const policy = JSON.parse(text) as { Version: string; Statement: Statement[] };

/** Statements that may use Resource "*": lists, and actions AWS offers no resource-level permission for. */
const RESOURCE_STAR_ALLOWED = new Set(['OwnStreamMappingsOnly', 'ListsAndNoResourceLevel']);

/** An IAM resource pattern as a regular expression, with ${aws:username} filled in. */
function matcher(pattern: string, username: string): RegExp {
  const filled = pattern.replaceAll('${aws:username}', username);
  return new RegExp(
    `^${filled
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function allowed(action: string, arn: string, username: string): boolean {
  return policy.Statement.some(
    (s) => s.Effect === 'Allow' && s.Action.includes(action) && [s.Resource].flat().some((r) => r !== '*' && matcher(r, username).test(arn)),
  );
}

/** The ARNs a deployment of `stage` creates, from serverless.yml (plus the names Serverless and CloudFormation derive). */
function arnsOf(stage: string) {
  const config = loadServiceConfig({ stage });
  const prefix = `${config.service}-${stage}`;
  const resource = (type: string) => Object.values(config.resources).filter((r) => r.Type === type);
  return {
    stack: `arn:aws:cloudformation:us-east-1:123456789012:stack/${prefix}/0a1b2c`,
    bucket: `arn:aws:s3:::${prefix}-serverlessdeploymentbuck-1x2y3z`,
    tables: config.tables.map((t) => `arn:aws:dynamodb:us-east-1:123456789012:table/${t.properties.TableName}`),
    functions: Object.keys(config.functions).map((name) => `arn:aws:lambda:us-east-1:123456789012:function:${prefix}-${name}`),
    logGroups: Object.keys(config.functions).map((name) => `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${prefix}-${name}`),
    roles: Object.keys(config.functions).map((name) => `arn:aws:iam::123456789012:role/${prefix}-${name}-us-east-1-lambdaRole`),
    stateMachines: config.stateMachines.map((m) => `arn:aws:states:us-east-1:123456789012:stateMachine:${m.name}`),
    queues: resource('AWS::SQS::Queue').map((q) => `arn:aws:sqs:us-east-1:123456789012:${q.Properties?.QueueName}`),
    buses: resource('AWS::Events::EventBus').map((b) => `arn:aws:events:us-east-1:123456789012:event-bus/${b.Properties?.Name}`),
  };
}

describe('the class IAM policy (solution/iam/learner-deploy-policy.json)', () => {
  it('is a valid IAM policy document that fits one managed policy (6,144 characters without spaces)', () => {
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement.length).toBeGreaterThan(0);
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(6144);
    for (const statement of policy.Statement) expect(statement.Effect).toBe('Allow');
  });

  it('names every action: no "*", no "service:*", no wildcards at all', () => {
    for (const statement of policy.Statement) {
      for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });

  it('uses Resource "*" only for lists and actions AWS cannot limit, and limits stream mappings by function', () => {
    for (const statement of policy.Statement) {
      if ([statement.Resource].flat().includes('*')) expect(RESOURCE_STAR_ALLOWED.has(statement.Sid)).toBe(true);
    }
    const mappings = policy.Statement.find((s) => s.Sid === 'OwnStreamMappingsOnly');
    expect(mappings?.Condition?.ArnLike['lambda:FunctionArn']).toContain('${aws:username}');
    const star = policy.Statement.find((s) => s.Sid === 'ListsAndNoResourceLevel');
    for (const action of star?.Action ?? [])
      expect(action).toMatch(/:(List|Describe|Get|Validate|BatchGet|CreateLogDelivery|UpdateLogDelivery|DeleteLogDelivery|PutResourcePolicy)/);
  });

  it('lets learner "ada" deploy and remove every resource of stage ada', () => {
    const arns = arnsOf('ada');
    expect(allowed('cloudformation:DeleteStack', arns.stack, 'ada')).toBe(true);
    expect(allowed('s3:DeleteBucket', arns.bucket, 'ada')).toBe(true);
    for (const arn of arns.tables) expect(allowed('dynamodb:DeleteTable', arn, 'ada')).toBe(true);
    for (const arn of arns.functions) expect(allowed('lambda:DeleteFunction', arn, 'ada')).toBe(true);
    for (const arn of arns.logGroups) expect(allowed('logs:DeleteLogGroup', arn, 'ada')).toBe(true);
    for (const arn of arns.roles) expect(allowed('iam:DeleteRole', arn, 'ada')).toBe(true);
    for (const arn of arns.stateMachines) expect(allowed('states:DeleteStateMachine', arn, 'ada')).toBe(true);
    for (const arn of arns.queues) expect(allowed('sqs:DeleteQueue', arn, 'ada')).toBe(true);
    for (const arn of arns.buses) expect(allowed('events:DeleteEventBus', arn, 'ada')).toBe(true);
  });

  it('gives learner "ada" nothing of stage bob (except REST APIs, which IAM cannot limit by name)', () => {
    const arns = arnsOf('bob');
    const all = [
      arns.stack,
      arns.bucket,
      ...arns.tables,
      ...arns.functions,
      ...arns.logGroups,
      ...arns.roles,
      ...arns.stateMachines,
      ...arns.queues,
      ...arns.buses,
    ];
    for (const arn of all) {
      const actions = policy.Statement.flatMap((s) => s.Action);
      expect(actions.filter((action) => allowed(action, arn, 'ada'))).toEqual([]);
    }
  });

  it('passes roles only to Lambda and Step Functions', () => {
    const pass = policy.Statement.filter((s) => s.Action.includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0].Condition?.StringEquals['iam:PassedToService']).toEqual(['lambda.amazonaws.com', 'states.amazonaws.com']);
  });
});
