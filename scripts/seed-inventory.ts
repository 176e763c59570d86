/**
 * Loads solution/seed/inventory.json into a deployed stage's Inventory table
 * (the local cloud and the tests seed themselves).
 *
 *   npm run seed:inventory -- --stage dev [--region us-east-1]
 *
 * Uses your normal AWS credentials. Existing stock items are overwritten;
 * reservations are left alone.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UsageError, checkStage, parseArgs } from './cli-args';
import { loadServiceConfig, tableNameOf } from './local-cloud/serverless-config';
import { readInventorySeed, seedInventory } from './local-cloud/tables';

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), { values: ['stage', 'region'] });
  if (!values.stage) throw new UsageError('--stage is required, e.g. npm run seed:inventory -- --stage dev');
  const config = loadServiceConfig({ stage: checkStage(values.stage), region: values.region ?? 'us-east-1' });
  const stock = readInventorySeed();
  const client = new DynamoDBClient({ region: config.region });
  await seedInventory(client, config, stock);
  console.log(`Seeded ${stock.length} products into ${tableNameOf(config, 'InventoryTable')} (${config.region}).`);
}

main().catch((error: Error) => {
  console.error(`seed:inventory: ${error.message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
