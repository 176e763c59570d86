import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { pollUntil } from '../local-cloud/poll';

/**
 * Runs before each lab test file's own hooks (setupFilesAfterEnv of the
 * projects jest-run.ts builds). check:lab launches DynamoDB Local alongside
 * jest, so by now the test file's modules have loaded while the engine
 * booted; wait here until it answers. With an engine already up this is one
 * quick request.
 */
beforeAll(async () => {
  const endpoint = process.env.SDP_DYNAMODB_ENDPOINT;
  if (!endpoint) return;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    await pollUntil(() => client.send(new ListTablesCommand({ Limit: 1 })).then(() => true), {
      timeoutMs: 30_000,
      intervalMs: 25,
      description: `DynamoDB Local to answer at ${endpoint}`,
    });
  } finally {
    client.destroy();
  }
}, 35_000);
