import { execFileSync } from 'node:child_process';
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

let outDir: string;
let template: { Resources: Record<string, { Type: string; Properties: any }> };

beforeAll(() => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'sls-package-'));
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
  execFileSync(SLS, ['package', '--stage', 'ci', '--package', outDir], { cwd: SOLUTION, env, stdio: 'pipe' });
  template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const resources = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const table = (logicalId: string) => template.Resources[logicalId].Properties;

describe('sls package (offline CloudFormation)', () => {
  it('declares each table with its key, on-demand billing', () => {
    const keys = Object.fromEntries(resources('AWS::DynamoDB::Table').map(([id, r]) => [id, r.Properties.KeySchema.map((k: any) => `${k.AttributeName}:${k.KeyType}`)]));
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

  it('has no IAM statement with a * action or a * resource', () => {
    const offenders: string[] = [];
    for (const [roleId, role] of resources('AWS::IAM::Role')) {
      for (const policy of role.Properties.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          const actions = [statement.Action].flat();
          const targets = [statement.Resource].flat();
          if (actions.some((a: unknown) => a === '*' || (typeof a === 'string' && a.endsWith(':*')))) offenders.push(`${roleId}: action ${JSON.stringify(statement.Action)}`);
          if (targets.some((r: unknown) => r === '*')) offenders.push(`${roleId}: resource * for ${JSON.stringify(statement.Action)}`);
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
        resource: { 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'states', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'execution', 'distributed-patterns-demo-order-saga-ci', '*']] },
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
    for (const name of ['OutOfStockError', 'UnknownProductError', 'TransientError', 'OrderAlreadyFinishedError', 'CompensationUnderwayError']) expect(bundle).toContain(`"${name}"`);
  });

  it('zips each function into at most 500 KB', () => {
    const zips = readdirSync(outDir).filter((file) => file.endsWith('.zip'));
    const sizes = Object.fromEntries(zips.map((zip) => [zip, statSync(path.join(outDir, zip)).size]));
    console.log(`Function zip sizes (KB):\n${Object.entries(sizes).map(([zip, bytes]) => `  ${zip.padEnd(24)} ${(bytes / 1024).toFixed(1)}`).join('\n')}`);
    expect(zips).toHaveLength(resources('AWS::Lambda::Function').length);
    for (const [zip, bytes] of Object.entries(sizes)) expect({ zip, bytes: bytes <= MAX_ZIP_BYTES }).toEqual({ zip, bytes: true });
  });
});
