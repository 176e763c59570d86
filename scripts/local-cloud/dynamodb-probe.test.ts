import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbProbeError, listTables } from './dynamodb-probe';
import { freePort } from './ports';

/** check:lab's probe of its background engine, against the real DynamoDB Local jest runs. */
const endpoint = process.env.SDP_DYNAMODB_ENDPOINT as string;
const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const names = [1, 2].map((n) => `probe-${process.pid}-${n}`);

beforeAll(async () => {
  for (const TableName of names) {
    await client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
});
afterAll(async () => {
  for (const TableName of names) await client.send(new DeleteTableCommand({ TableName }));
  client.destroy();
});

describe('the DynamoDB Local probe', () => {
  it("lists the engine's tables, as the SDK would", async () => {
    const listing = await listTables(endpoint, { limit: 100, timeoutMs: 2000 });

    expect(listing.tableNames).toEqual(expect.arrayContaining(names));
    expect(listing.more).toBe(false);
  });

  it('says when the engine holds more tables than it asked for (an engine cluttered with leftovers)', async () => {
    expect(await listTables(endpoint, { limit: 1, timeoutMs: 2000 })).toMatchObject({ more: true });
  });

  it('fails when nothing listens on the port', async () => {
    const port = await freePort();
    await expect(listTables(`http://127.0.0.1:${port}`, { limit: 1, timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails, naming the answer, when something other than DynamoDB answers', async () => {
    const server = http.createServer((_, response) => response.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const attempt = listTables(`http://127.0.0.1:${port}`, { limit: 1, timeoutMs: 2000 });
      await expect(attempt).rejects.toThrow(DynamoDbProbeError);
      await expect(attempt).rejects.toThrow(/answered 404/);
    } finally {
      server.close();
    }
  });

  it('gives up after its timeout when the engine never answers', async () => {
    const server = http.createServer(() => undefined); // holds every request
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(listTables(`http://127.0.0.1:${port}`, { limit: 1, timeoutMs: 100 })).rejects.toThrow('no answer within 100 ms');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
