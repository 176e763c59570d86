// The SDK's Node 20 notice would otherwise open every test run.
import '../local-cloud/quiet-sdk';
import { startDynamoDbLocal } from '../local-cloud/dynamodb-local';

/**
 * One DynamoDB Local for the whole test run (it takes a few seconds to
 * start); every test file creates its own tables under a unique stage name,
 * so files running in parallel never see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SDP_DYNAMODB_ENDPOINT) return; // an engine is already running (e.g. npm start)
  const dynamodb = await startDynamoDbLocal();
  process.env.SDP_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  (globalThis as { __dynamoDbLocal__?: typeof dynamodb }).__dynamoDbLocal__ = dynamodb;
}
