import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SOLUTION_DIR, type ServiceConfig, type TableConfig, tableNameOf } from './serverless-config';

export const INVENTORY_SEED_FILE = path.join(SOLUTION_DIR, 'seed', 'inventory.json');

export interface StockSeed {
  readonly productId: string;
  readonly available: number;
}

/** Reads and checks solution/seed/inventory.json. */
export function readInventorySeed(file = INVENTORY_SEED_FILE): StockSeed[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { items?: unknown };
  if (!Array.isArray(json.items)) throw new Error(`${file}: "items" must be an array`);
  return json.items.map((item: any, i: number) => {
    if (typeof item?.productId !== 'string' || !Number.isSafeInteger(item?.available) || item.available < 0) {
      throw new Error(`${file}: items[${i}] must be { "productId": string, "available": non-negative integer }`);
    }
    return { productId: item.productId, available: item.available };
  });
}

/** CloudFormation table properties -> the CreateTable call DynamoDB Local understands. */
export function createTableInput(table: TableConfig): CreateTableCommandInput {
  const p = table.properties;
  return {
    TableName: p.TableName,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    BillingMode: p.BillingMode ?? 'PAY_PER_REQUEST',
    ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
    ...(p.StreamSpecification ? { StreamSpecification: { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } } : {}),
  };
}

/** Creates every table serverless.yml declares (skipping ones that exist), with their TTL settings. */
export async function createTables(client: DynamoDBClient, config: ServiceConfig): Promise<string[]> {
  const names: string[] = [];
  for (const table of config.tables) {
    const input = createTableInput(table);
    try {
      await client.send(new CreateTableCommand(input));
      const ttl = table.properties.TimeToLiveSpecification;
      if (ttl?.Enabled) {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: input.TableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    names.push(input.TableName as string);
  }
  return names;
}

export async function deleteTables(client: DynamoDBClient, config: ServiceConfig): Promise<void> {
  for (const table of config.tables) {
    try {
      await client.send(new DeleteTableCommand({ TableName: table.properties.TableName }));
    } catch {
      // already gone
    }
  }
}

/** Writes the starting stock into the Inventory table (overwriting existing stock items). */
export async function seedInventory(client: DynamoDBClient, config: ServiceConfig, stock: readonly StockSeed[] = readInventorySeed()): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client);
  const tableName = tableNameOf(config, 'InventoryTable');
  for (let i = 0; i < stock.length; i += 25) {
    let request: Record<string, any> | undefined = {
      [tableName]: stock.slice(i, i + 25).map((item) => ({ PutRequest: { Item: { ...item } } })),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 5) throw new Error(`Could not seed ${tableName}: items kept coming back unprocessed`);
      const result: { UnprocessedItems?: Record<string, any> } = await documents.send(new BatchWriteCommand({ RequestItems: request }));
      request = result.UnprocessedItems;
    }
  }
}
