import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
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
  it("prints the saga's definition from serverless.yml as JSON", async () => {
    const result = await runScript('export-asl.ts', ['--stage', 'dev']);
    expect(result.code).toBe(0);
    const asl = JSON.parse(result.stdout);
    expect(asl.StartAt).toBe('ReserveInventory');
    expect(Object.keys(asl.States)).toEqual(expect.arrayContaining(['ProcessPayment', 'SendNotification', 'BeginCompensation', 'RefundPayment', 'ReleaseInventory']));
    expect(asl.States.ReserveInventory.Retry[0].ErrorEquals).toContain('TransientError');
  });
});
