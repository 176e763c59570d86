/**
 * The Docker route: a learner without Java runs AWS's DynamoDB Local image
 * (published on 127.0.0.1 only) and sets one variable, SDP_DYNAMODB_ENDPOINT.
 * `npm start`, `npm run check:lab`, the tests and `npm run doctor` then use
 * that engine instead of starting their own. The same variable is how a
 * jest run hands its engine to the processes it starts.
 *
 *   docker run --rm -p 127.0.0.1:8000:8000 amazon/dynamodb-local -jar DynamoDBLocal.jar -sharedDb -inMemory
 *   export SDP_DYNAMODB_ENDPOINT=http://127.0.0.1:8000
 */
export const ENDPOINT_VARIABLE = 'SDP_DYNAMODB_ENDPOINT';

export const DOCKER_COMMAND = 'docker run --rm -p 127.0.0.1:8000:8000 amazon/dynamodb-local -jar DynamoDBLocal.jar -sharedDb -inMemory';

export class InvalidDynamoDbEndpointError extends Error {
  constructor(value: string, reason: string) {
    super(`${ENDPOINT_VARIABLE}="${value}" ${reason}. Expected e.g. http://127.0.0.1:8000 (the Docker route: ${DOCKER_COMMAND}).`);
    this.name = 'InvalidDynamoDbEndpointError';
  }
}

/**
 * The endpoint of an already running DynamoDB Local, or undefined when none
 * is set (then the caller starts one with Java). Only http(s) URLs with a
 * host and no path are accepted: a typo should fail here, naming the
 * variable, not as a connection error deep in a test.
 */
export function externalDynamoDbEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[ENDPOINT_VARIABLE]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidDynamoDbEndpointError(raw, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidDynamoDbEndpointError(raw, 'must start with http:// or https://');
  if (url.pathname !== '/' || url.search || url.hash) throw new InvalidDynamoDbEndpointError(raw, 'must not have a path');
  return `${url.protocol}//${url.host}`;
}
