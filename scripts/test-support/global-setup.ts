// The SDK's Node 20 notice would otherwise open every test run.
import '../local-cloud/quiet-sdk';
import { externalDynamoDbEndpoint } from '../local-cloud/dynamodb-endpoint';
import { startDynamoDbLocal } from '../local-cloud/dynamodb-local';

/**
 * One DynamoDB Local for the whole test run (it takes a few seconds to
 * start); every test file creates its own tables under a unique stage name,
 * so files running in parallel never see each other's data.
 *
 * SDP_DYNAMODB_ENDPOINT names an engine that is already running (npm start,
 * or one the learner started with Docker instead of Java): then that one is
 * used. It is checked here so a typo fails once, naming the variable.
 */
export default async function globalSetup(): Promise<void> {
  if (externalDynamoDbEndpoint()) return;
  const dynamodb = await startDynamoDbLocal();
  if (dynamodb.exposureWarning) console.warn(`\n${dynamodb.exposureWarning}`);
  process.env.SDP_DYNAMODB_ENDPOINT = dynamodb.endpoint;
  (globalThis as { __dynamoDbLocal__?: typeof dynamodb }).__dynamoDbLocal__ = dynamodb;
}
