import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { LOCAL_ACCOUNT } from './local-arns';

/**
 * Translation between HTTP and the API Gateway REST API (v1) Lambda proxy
 * integration: the event a handler receives, and the response it must return.
 */
export interface HttpRequestInfo {
  readonly method: string;
  /** The path without query string, e.g. `/orders/123`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Node's rawHeaders: [name, value, name, value, ...] with the client's letter case. */
  readonly rawHeaders: readonly string[];
  readonly body: string;
  readonly sourceIp: string;
}

export interface ProxyEventContext {
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
  readonly stage: string;
  readonly requestId: string;
  readonly apiId: string;
  readonly now: Date;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** API Gateway's requestTime format: `27/Nov/2026:09:25:00 +0000`. */
export function requestTime(date: Date): string {
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

function grouped(pairs: Iterable<readonly [string, string]>): { single: Record<string, string>; multi: Record<string, string[]> } | null {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  let any = false;
  for (const [name, value] of pairs) {
    any = true;
    single[name] = value; // the last value wins, as in API Gateway's single-value maps
    multi[name] ??= [];
    multi[name].push(value);
  }
  return any ? { single, multi } : null;
}

function headerPairs(rawHeaders: readonly string[]): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i], rawHeaders[i + 1]]);
  return pairs;
}

/** The REST API proxy event for one request: what `event` holds in the handler. */
export function toProxyEvent(request: HttpRequestInfo, context: ProxyEventContext): APIGatewayProxyEvent {
  const headers = grouped(headerPairs(request.rawHeaders));
  const query = grouped(request.query.entries());
  const userAgent = headers ? (Object.entries(headers.single).find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? null) : null;
  return {
    resource: context.resource,
    path: request.path,
    httpMethod: request.method,
    headers: headers?.single ?? {},
    multiValueHeaders: headers?.multi ?? {},
    queryStringParameters: query?.single ?? null,
    multiValueQueryStringParameters: query?.multi ?? null,
    pathParameters: context.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: context.apiId,
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: `/${context.stage}${request.path}`,
      stage: context.stage,
      requestId: context.requestId,
      requestTimeEpoch: context.now.getTime(),
      resourceId: 'local',
      resourcePath: context.resource,
      domainName: 'localhost',
      extendedRequestId: context.requestId,
      requestTime: requestTime(context.now),
    } as APIGatewayProxyEvent['requestContext'],
    // The REST API passes text bodies through as they are; binaryMediaTypes are not configured.
    body: request.body === '' ? null : request.body,
    isBase64Encoded: false,
  };
}

export class MalformedProxyResponseError extends Error {
  constructor(detail: string) {
    super(`Malformed Lambda proxy response: ${detail}`);
    this.name = 'MalformedProxyResponseError';
  }
}

export interface HttpResponseParts {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Checks a handler's result the way API Gateway does: anything that is not a
 * proxy result is a 502 for the client ("Malformed Lambda proxy response").
 */
export function fromProxyResult(result: unknown): HttpResponseParts {
  if (result === null || typeof result !== 'object') throw new MalformedProxyResponseError('the handler did not return an object');
  const r = result as Partial<APIGatewayProxyResult> & Record<string, unknown>;
  if (!Number.isInteger(r.statusCode) || (r.statusCode as number) < 100 || (r.statusCode as number) > 599) {
    throw new MalformedProxyResponseError(`statusCode must be an HTTP status code, got ${JSON.stringify(r.statusCode)}`);
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') throw new MalformedProxyResponseError('body must be a string');
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) headers[name] = String(value);
  for (const [name, values] of Object.entries((r.multiValueHeaders ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(values)) throw new MalformedProxyResponseError(`multiValueHeaders.${name} must be a list`);
    headers[name] = values.map(String);
  }
  const text = r.body ?? '';
  return { statusCode: r.statusCode as number, headers, body: r.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
}
