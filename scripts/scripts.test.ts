import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { aslProblems, resolveIntrinsics } from './asl-intrinsics';
import { loadServiceConfig, tableNameOf } from './local-cloud/serverless-config';
import { createTables, deleteTables, readInventorySeed } from './local-cloud/tables';
import { runScript } from './test-support/run-script';

/** The repository's small CLI scripts, run as a user runs them. */
describe('npm run seed:inventory', () => {
  const stage = `seed${process.pid.toString(36)}`;
  const config = loadServiceConfig({ stage });
  const endpoint = () => process.env.SDP_DYNAMODB_ENDPOINT as string;
  let client: DynamoDBClient;

  beforeAll(async () => {
    client = new DynamoDBClient({ endpoint: endpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createTables(client, config);
  });
  afterAll(async () => {
    await deleteTables(client, config);
    client.destroy();
  });

  it("loads every seed product into the stage's Inventory table", async () => {
    const result = await runScript('seed-inventory.ts', ['--stage', stage], { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: endpoint() });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(tableNameOf(config, 'InventoryTable'));
    const documents = DynamoDBDocumentClient.from(client);
    for (const product of readInventorySeed()) {
      const stored = await documents.send(new GetCommand({ TableName: tableNameOf(config, 'InventoryTable'), Key: { productId: product.productId } }));
      expect(stored.Item).toEqual(product);
    }
  });

  it('has the products the original README uses, and one sold out on purpose', () => {
    const seed = Object.fromEntries(readInventorySeed().map((p) => [p.productId, p.available]));
    expect(seed.laptop).toBeGreaterThan(0);
    expect(seed.monitor).toBeGreaterThan(0);
    expect(seed.keyboard).toBeGreaterThan(0);
    expect(seed['sold-out-item']).toBe(0);
  });

  it.each([
    [[], /--stage is required/],
    [['--stage', 'Bad Stage!'], /--stage "Bad Stage!" must be/],
    [['--stage', 'averylongstage'], /must be 1-10 lower-case letters/],
    [['--stage', 'dev', '--colour', 'red'], /Unknown option --colour/],
  ])('refuses %j with a clear message and exit status 2', async (args, message) => {
    const result = await runScript('seed-inventory.ts', args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('npm run export-asl', () => {
  /** Every Task state, however deeply nested (Parallel branches, Map processors). */
  const tasks = (states: Record<string, any>): [string, any][] =>
    Object.entries(states).flatMap(([name, state]) => [
      ...(state.Type === 'Task' ? [[name, state] as [string, any]] : []),
      ...(state.Branches ?? []).flatMap((branch: any) => tasks(branch.States)),
      ...(state.ItemProcessor ? tasks(state.ItemProcessor.States) : []),
    ]);

  it("prints the saga's definition from serverless.yml as plain ASL: valid JSON, no CloudFormation left, every Task an ARN", async () => {
    const result = await runScript('export-asl.ts', ['--stage', 'dev']);
    expect(result.code).toBe(0);
    const asl = JSON.parse(result.stdout);
    expect(asl.StartAt).toBe('ReserveInventory');
    expect(Object.keys(asl.States)).toEqual(
      expect.arrayContaining(['ProcessPayment', 'SendNotification', 'BeginCompensation', 'RefundPayment', 'ReleaseInventory']),
    );
    expect(asl.States.ReserveInventory.Retry[0].ErrorEquals).toContain('TransientError');
    expect(result.stdout).not.toContain('Fn::');
    expect(result.stdout).not.toMatch(/"Ref":/);
    expect(tasks(asl.States).length).toBeGreaterThan(0);
    for (const [name, task] of tasks(asl.States))
      expect({ name, resource: task.Resource }).toEqual({ name, resource: expect.stringMatching(/^arn:aws:[a-z-]+:/) });
    expect(aslProblems(asl)).toEqual([]);
  });

  it('names the functions of the stage, region and account given', async () => {
    const result = await runScript('export-asl.ts', ['--stage', 'prod', '--region', 'eu-west-1', '--account', '111122223333']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).States.ReserveInventory.Resource).toBe(
      'arn:aws:lambda:eu-west-1:111122223333:function:distributed-patterns-demo-prod-reserveInventory',
    );
  });

  it.each([
    [['--region', 'mars'], /--region "mars" must be an AWS region/],
    [['--account', '42'], /--account "42" must be a 12-digit/],
  ])('refuses %j with a clear message and exit status 2', async (args, message) => {
    const result = await runScript('export-asl.ts', args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('resolves the intrinsics a state may use (functions, tables, buses, topics, Sub) and refuses unknown ones by state', () => {
    const config = loadServiceConfig({ stage: 'dev' });
    const target = { account: '111122223333', region: 'us-east-1' };
    const definition = resolveIntrinsics(config, target, {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: { 'Fn::GetAtt': ['createOrder', 'Arn'] }, Next: 'B' },
        B: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:updateItem', Parameters: { TableName: { Ref: 'OrdersTable' } }, Next: 'C' },
        C: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: { TopicArn: { Ref: 'OperationsAlarmTopic' }, Message: { 'Fn::Sub': 'in ${AWS::Region}' } },
          End: true,
        },
      },
    }) as any;
    expect(definition.States.A.Resource).toBe('arn:aws:lambda:us-east-1:111122223333:function:distributed-patterns-demo-dev-createOrder');
    expect(definition.States.B.Parameters.TableName).toBe('distributed-patterns-demo-orders-table-dev');
    expect(definition.States.C.Parameters).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:distributed-patterns-demo-alarms-dev',
      Message: 'in us-east-1',
    });
    expect(aslProblems(definition)).toEqual([]);
    expect(() => resolveIntrinsics(config, target, { States: { X: { Resource: { Ref: 'NoSuchThing' } } } })).toThrow(/States\.X\.Resource: cannot turn/);
    expect(aslProblems({ StartAt: 'A', States: { A: { Type: 'Task', Resource: { 'Fn::GetAtt': ['x', 'Arn'] }, End: true } } })).toEqual([
      'a CloudFormation intrinsic (Fn:: or Ref) is left in the definition',
      'States.A.Resource must be an ARN string, got {"Fn::GetAtt":["x","Arn"]}',
    ]);
  });
});
