import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readZip } from '../../scripts/test-support/zip';

/**
 * `sls package` of solution/ offline, with no AWS credentials, and checks on
 * the CloudFormation it generates: what AWS will actually create.
 */
const SOLUTION = path.resolve(__dirname, '..');
const SLS = path.resolve(__dirname, '../../node_modules/.bin/sls');
const MAX_ZIP_BYTES = 500 * 1024;
/**
 * Actions with no resource-level permissions (X-Ray writes; CloudWatch Logs
 * delivery for the state machine's log destination): AWS accepts them on "*" only.
 */
const ONLY_ON_STAR = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

let outDir: string;
let template: { Resources: Record<string, { Type: string; Properties: any; Condition?: string }>; Conditions?: Record<string, unknown> };
let templateFile: string;

beforeAll(() => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'sls-package-'));
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
  execFileSync(SLS, ['package', '--stage', 'ci', '--package', outDir], { cwd: SOLUTION, env, stdio: 'pipe' });
  templateFile = path.join(outDir, 'cloudformation-template-update-stack.json');
  template = JSON.parse(readFileSync(templateFile, 'utf8'));
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const resources = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const table = (logicalId: string) => template.Resources[logicalId].Properties;

describe('sls package (offline CloudFormation)', () => {
  it('declares each table with its key, on-demand billing', () => {
    const keys = Object.fromEntries(
      resources('AWS::DynamoDB::Table').map(([id, r]) => [id, r.Properties.KeySchema.map((k: any) => `${k.AttributeName}:${k.KeyType}`)]),
    );
    expect(keys).toEqual({
      OrdersTable: ['orderId:HASH'],
      OutboxTable: ['eventId:HASH'],
      IdempotencyTable: ['id:HASH'],
      InventoryTable: ['productId:HASH'],
      PaymentsTable: ['orderId:HASH'],
    });
    for (const [, r] of resources('AWS::DynamoDB::Table')) expect(r.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table('OrdersTable').GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName)).toEqual(['byCustomer', 'openOrders']);
  });

  it('indexes open orders sparsely by when the reconciler should look at them', () => {
    const index = table('OrdersTable').GlobalSecondaryIndexes.find((i: { IndexName: string }) => i.IndexName === 'openOrders');
    expect(index.KeySchema).toEqual([
      { AttributeName: 'openOrder', KeyType: 'HASH' },
      { AttributeName: 'reconcileAt', KeyType: 'RANGE' },
    ]);
  });

  it('streams new images from the outbox and expires published events by TTL', () => {
    expect(table('OutboxTable').StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(table('OutboxTable').TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table('IdempotencyTable').TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
  });

  it('maps the outbox stream to the relay with an INSERT filter, partial failures, bisect, bounded retries and an on-failure queue', () => {
    const [[, mapping]] = resources('AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['OutboxTable', 'StreamArn'] },
      FunctionName: { 'Fn::GetAtt': ['OutboxRelayLambdaFunction', 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['OutboxRelayFailuresQueue', 'Arn'] } } },
    });
    expect(mapping.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([{ eventName: ['INSERT'] }]);
  });

  it('creates a STANDARD state machine (exactly-once, unique execution names)', () => {
    const [[, machine]] = resources('AWS::StepFunctions::StateMachine');
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
  });

  it('has no IAM statement with a * action, nor a * resource except for actions AWS only grants on *', () => {
    const offenders: string[] = [];
    for (const [roleId, role] of resources('AWS::IAM::Role')) {
      for (const policy of role.Properties.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          const actions: string[] = [statement.Action].flat();
          const targets = [statement.Resource].flat();
          if (actions.some((a: unknown) => a === '*' || (typeof a === 'string' && a.endsWith(':*'))))
            offenders.push(`${roleId}: action ${JSON.stringify(statement.Action)}`);
          if (targets.some((r: unknown) => r === '*') && !actions.every((a) => ONLY_ON_STAR.has(a)))
            offenders.push(`${roleId}: resource * for ${JSON.stringify(statement.Action)}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('gives each function its own role that reaches only the tables it uses', () => {
    const roleOf = (fn: string) => template.Resources[`${fn}LambdaFunction`].Properties.Role['Fn::GetAtt'][0];
    const tablesReached = (fn: string) =>
      new Set(
        template.Resources[roleOf(fn)].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement)
          .flatMap((s: any) => [s.Resource].flat())
          .map((r: any) => r?.['Fn::GetAtt']?.[0])
          .filter((id: unknown) => typeof id === 'string' && id.endsWith('Table')),
      );
    expect(tablesReached('GetOrder')).toEqual(new Set(['OrdersTable']));
    expect(tablesReached('CreateOrder')).toEqual(new Set(['OrdersTable', 'OutboxTable', 'IdempotencyTable']));
    expect(tablesReached('RefundPayment')).toEqual(new Set(['PaymentsTable']));
    expect(tablesReached('ReleaseInventory')).toEqual(new Set(['InventoryTable']));
    expect(tablesReached('ReconcileOrders')).toEqual(new Set(['OrdersTable']));
    expect(tablesReached('FlagOrderForAttention')).toEqual(new Set(['OrdersTable']));
  });

  it('gives the reconciler only what it uses: query the open-orders index, update orders, drive saga executions, put events on the bus', () => {
    const roleId = template.Resources.ReconcileOrdersLambdaFunction.Properties.Role['Fn::GetAtt'][0];
    const statements = template.Resources[roleId].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const grants = statements
      .filter((s: any) => [s.Action].flat().some((a: string) => /^(dynamodb|states|events):/.test(a)))
      .map((s: any) => ({ actions: [s.Action].flat().sort(), resource: s.Resource }));
    expect(grants).toEqual([
      { actions: ['dynamodb:Query'], resource: { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['OrdersTable', 'Arn'] }, 'index', 'openOrders']] } },
      { actions: ['dynamodb:UpdateItem'], resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] } },
      { actions: ['states:StartExecution'], resource: { Ref: 'OrderSaga' } },
      {
        actions: ['states:DescribeExecution', 'states:RedriveExecution'],
        resource: {
          'Fn::Join': [
            ':',
            [
              'arn',
              { Ref: 'AWS::Partition' },
              'states',
              { Ref: 'AWS::Region' },
              { Ref: 'AWS::AccountId' },
              'execution',
              'distributed-patterns-demo-order-saga-ci',
              '*',
            ],
          ],
        },
      },
      { actions: ['events:PutEvents'], resource: { 'Fn::GetAtt': ['OrdersEventBus', 'Arn'] } },
    ]);
  });

  it('runs the reconciler on a schedule', () => {
    const rules = resources('AWS::Events::Rule').map(([, rule]) => rule.Properties);
    expect(rules).toContainEqual(
      expect.objectContaining({
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': ['ReconcileOrdersLambdaFunction', 'Arn'] } })],
      }),
    );
  });

  it('lets the saga flag an order for attention without any other write', () => {
    const roleId = template.Resources.FlagOrderForAttentionLambdaFunction.Properties.Role['Fn::GetAtt'][0];
    const statements = template.Resources[roleId].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const dataGrants = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dataGrants).toEqual([expect.objectContaining({ Action: ['dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] } })]);
  });

  it('runs every function on nodejs22.x', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it('keeps error class names through minification, since Step Functions matches Retry and Catch on them', () => {
    const bundle = [...readZip(readFileSync(path.join(outDir, 'reserveInventory.zip'))).values()].map((file) => file.toString('utf8')).join('\n');
    for (const name of ['OutOfStockError', 'UnknownProductError', 'TransientError', 'OrderAlreadyFinishedError', 'CompensationUnderwayError'])
      expect(bundle).toContain(`"${name}"`);
  });

  it('zips each function into at most 500 KB', () => {
    const zips = readdirSync(outDir).filter((file) => file.endsWith('.zip'));
    const sizes = Object.fromEntries(zips.map((zip) => [zip, statSync(path.join(outDir, zip)).size]));
    console.log(
      `Function zip sizes (KB):\n${Object.entries(sizes)
        .map(([zip, bytes]) => `  ${zip.padEnd(24)} ${(bytes / 1024).toFixed(1)}`)
        .join('\n')}`,
    );
    expect(zips).toHaveLength(resources('AWS::Lambda::Function').length);
    for (const [zip, bytes] of Object.entries(sizes)) expect({ zip, bytes: bytes <= MAX_ZIP_BYTES }).toEqual({ zip, bytes: true });
  });
});

/** The same packaged template, read as an operator: tracing, logs, alarms, throttling, least privilege. */
describe('sls package: operated like production', () => {
  const getAtt = (value: any) => value?.['Fn::GetAtt']?.[0];
  const ref = (value: any) => value?.Ref;
  const statementsOf = (roleId: string) => template.Resources[roleId].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  const roleOf = (functionId: string) => getAtt(template.Resources[functionId].Properties.Role);
  /** The DynamoDB actions a function's role allows on one table. */
  const actionsOn = (functionId: string, tableId: string) =>
    new Set(
      statementsOf(roleOf(functionId))
        .filter((s: any) => [s.Resource].flat().some((r: any) => getAtt(r) === tableId))
        .flatMap((s: any) => [s.Action].flat()),
    );
  const alarms = () => resources('AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, ...r.Properties }));
  const metricsOf = (alarm: any): any[] =>
    alarm.MetricName
      ? [{ Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }]
      : alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
  const alarmOn = (metricName: string) => alarms().find((alarm) => metricsOf(alarm).some((m) => m.MetricName === metricName));

  it('traces every function with X-Ray and lets each one write its segments', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect({ id, tracing: fn.Properties.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
      const xray = statementsOf(roleOf(id)).flatMap((s: any) => [s.Action].flat());
      expect({ id, xray }).toEqual({ id, xray: expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) });
    }
  });

  it('traces the state machine and logs every execution event to its own log group with retention', () => {
    const [[, machine]] = resources('AWS::StepFunctions::StateMachine');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    const logging = machine.Properties.LoggingConfiguration;
    expect(logging).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    const logGroupId = getAtt(logging.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn);
    expect(template.Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    expect(template.Resources[logGroupId].Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('gives every log group a retention, so logs do not pile up (and bill) forever', () => {
    for (const [id, group] of resources('AWS::Logs::LogGroup')) expect({ id, days: group.Properties.RetentionInDays > 0 }).toEqual({ id, days: true });
  });

  it('traces and throttles the API stage (rate and burst from the stage params)', () => {
    const deployments = resources('AWS::ApiGateway::Deployment');
    expect(deployments).toHaveLength(1);
    expect(deployments[0][1].Properties.StageDescription).toEqual(
      expect.objectContaining({ TracingEnabled: true, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
    );
  });

  it('alarms on what needs a person: relay failures queue, iterator age, failed executions, orders needing attention', () => {
    expect(alarms().length).toBeGreaterThanOrEqual(4);
    const queue = alarmOn('ApproximateNumberOfMessagesVisible');
    expect(queue?.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['OutboxRelayFailuresQueue', 'QueueName'] } }]);
    expect(queue).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarmOn('IteratorAge')?.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: 'OutboxRelayLambdaFunction' } }]);
    const failed = metricsOf(alarmOn('ExecutionsFailed')).find((m) => m.MetricName === 'ExecutionsFailed');
    expect(failed.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: 'OrderSaga' } }]);
    const attention = alarmOn('MatchedEvents');
    const rule = template.Resources.OrderNeedsAttentionRule.Properties;
    expect(attention?.Dimensions).toEqual(expect.arrayContaining([{ Name: 'RuleName', Value: rule.Name }]));
    expect(rule.EventPattern).toEqual({ source: [{ prefix: 'orders.' }], 'detail-type': ['OrderNeedsAttention'] });
    expect(rule.Targets.map((t: any) => ref(t.Arn))).toEqual(['OperationsAlarmTopic']);
  });

  it('sends every alarm to one SNS topic, emailed only when the alarmEmail param is set', () => {
    for (const alarm of alarms()) expect({ id: alarm.id, actions: alarm.AlarmActions }).toEqual({ id: alarm.id, actions: [{ Ref: 'OperationsAlarmTopic' }] });
    expect(template.Resources.OperationsAlarmTopic.Type).toBe('AWS::SNS::Topic');
    const [[, subscription]] = resources('AWS::SNS::Subscription');
    expect(subscription.Condition).toBe('HasAlarmEmail');
    expect(subscription.Properties).toMatchObject({ Protocol: 'email', TopicArn: { Ref: 'OperationsAlarmTopic' } });
  });

  it('archives the bus and copies every published event to a log group a learner can read', () => {
    const [[, archive]] = resources('AWS::Events::Archive');
    expect(getAtt(archive.Properties.SourceArn)).toBe('OrdersEventBus');
    const logRule = resources('AWS::Events::Rule').find(([, r]) =>
      r.Properties.Targets.some((t: any) => template.Resources[getAtt(t.Arn)]?.Type === 'AWS::Logs::LogGroup'),
    );
    expect(logRule?.[1].Properties).toMatchObject({ EventBusName: { Ref: 'OrdersEventBus' }, EventPattern: { source: [{ prefix: 'orders.' }] } });
    const policy = resources('AWS::Logs::ResourcePolicy')[0][1].Properties.PolicyDocument;
    expect(JSON.stringify(policy)).toContain('events.amazonaws.com');
  });

  it('never lets a function put whole items into a table it only updates', () => {
    expect(actionsOn('ReserveInventoryLambdaFunction', 'OrdersTable')).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
    expect(actionsOn('ProcessPaymentLambdaFunction', 'OrdersTable')).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
    expect(actionsOn('ProcessPaymentLambdaFunction', 'PaymentsTable')).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:PutItem']));
    const putsOrders = resources('AWS::Lambda::Function')
      .filter(([id]) => actionsOn(id, 'OrdersTable').has('dynamodb:PutItem'))
      .map(([id]) => id);
    expect(putsOrders).toEqual(['CreateOrderLambdaFunction']);
  });

  it('creates no role that nothing uses: every role belongs to one function or the state machine', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const used = new Set([
      ...resources('AWS::Lambda::Function').map(([, fn]) => getAtt(fn.Properties.Role)),
      ...resources('AWS::StepFunctions::StateMachine').map(([, machine]) => getAtt(machine.Properties.RoleArn)),
    ]);
    expect(
      resources('AWS::IAM::Role')
        .map(([id]) => id)
        .filter((id) => !used.has(id)),
    ).toEqual([]);
  });

  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  // cfn-lint is a Python tool (not in Debian bookworm, PyPI not always
  // reachable): the check runs wherever it is installed and says so when not.
  (cfnLint.status === 0 ? it : it.skip)(
    `passes cfn-lint with no errors${cfnLint.status === 0 ? '' : ' (skipped: cfn-lint is not installed)'}`,
    () => {
      const result = spawnSync('cfn-lint', ['--format', 'parseable', templateFile], { encoding: 'utf8' });
      const errors = result.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
      expect(errors).toEqual([]);
      // Exit status bit 2 means errors (4 warnings, 8 informational).
      expect((result.status ?? 2) & 2).toBe(0);
    },
    60_000,
  );
});
