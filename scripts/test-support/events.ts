import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext } from '../local-cloud/lambda-runtime';

/** A REST API (v1) proxy event, as API Gateway sends it to the handler. */
export function apiEvent(options: {
  method?: string;
  path?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
}): APIGatewayProxyEvent {
  const body = options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body));
  return {
    httpMethod: options.method ?? 'POST',
    path: options.path ?? '/orders',
    resource: options.path ?? '/orders',
    body,
    headers: { 'content-type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    isBase64Encoded: false,
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}

export function testContext(functionName = 'test-function', timeoutMs = 10_000): Context {
  return lambdaContext(functionName, Date.now() + timeoutMs);
}

export function parseBody<T = any>(response: APIGatewayProxyResult): T {
  return JSON.parse(response.body) as T;
}

/** The example order from the original README. */
export const laptopOrder = {
  customerId: 'customer-123',
  items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }],
};
