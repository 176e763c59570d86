import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type Route, matchRoute } from './api-routes';
import { type ApiRequestLog, type ApiServer, startApiServer } from './api-server';

/**
 * The local API Gateway with stand-in functions, so every gateway behaviour
 * (routing, the proxy event, 404/405/502) is checked without a database.
 */
const routes: Route[] = [
  { functionName: 'createOrder', method: 'POST', resource: '/orders' },
  { functionName: 'getOrder', method: 'GET', resource: '/orders/{orderId}' },
  { functionName: 'special', method: 'GET', resource: '/orders/special' },
  { functionName: 'files', method: 'ANY', resource: '/files/{path+}' },
];

describe('routes from the http events', () => {
  it('binds path parameters and prefers static parts, as API Gateway does', () => {
    expect(matchRoute(routes, 'GET', '/orders/abc%20d')).toMatchObject({
      kind: 'found',
      route: { functionName: 'getOrder' },
      pathParameters: { orderId: 'abc d' },
    });
    expect(matchRoute(routes, 'GET', '/orders/special')).toMatchObject({ kind: 'found', route: { functionName: 'special' }, pathParameters: null });
    expect(matchRoute(routes, 'DELETE', '/files/a/b.txt')).toMatchObject({ kind: 'found', pathParameters: { path: 'a/b.txt' } });
  });

  it('tells an unknown path from a known path with the wrong method', () => {
    expect(matchRoute(routes, 'GET', '/nope')).toEqual({ kind: 'not-found' });
    expect(matchRoute(routes, 'GET', '/orders/a/b')).toEqual({ kind: 'not-found' });
    expect(matchRoute(routes, 'PUT', '/orders')).toEqual({ kind: 'method-not-allowed', allow: ['POST'], resource: '/orders' });
  });
});

describe('the local API Gateway server', () => {
  let server: ApiServer;
  const events: APIGatewayProxyEvent[] = [];
  const logs: ApiRequestLog[] = [];
  let behaviour: 'ok' | 'throw' | 'malformed' = 'ok';

  beforeAll(async () => {
    server = await startApiServer({
      routes,
      stage: 'test',
      port: 0,
      onRequest: (log) => logs.push(log),
      invoke: async (functionName, event) => {
        events.push(event);
        if (behaviour === 'throw') throw Object.assign(new Error('boom'), { errorType: 'TypeError', errorMessage: 'boom' });
        if (behaviour === 'malformed') return { body: 'no status code' };
        return {
          statusCode: functionName === 'createOrder' ? 201 : 200,
          headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
          body: JSON.stringify({ functionName }),
        };
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    behaviour = 'ok';
  });

  it('sends the function a REST API proxy event and returns its response', async () => {
    const response = await fetch(`${server.url}/orders/123?expand=items&expand=history`, { headers: { 'X-Idempotency-Key': 'Key-1' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const event = events[events.length - 1];
    expect(event).toMatchObject({
      resource: '/orders/{orderId}',
      path: '/orders/123',
      httpMethod: 'GET',
      pathParameters: { orderId: '123' },
      queryStringParameters: { expand: 'history' },
      multiValueQueryStringParameters: { expand: ['items', 'history'] },
      body: null,
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: {
        stage: 'test',
        path: '/test/orders/123',
        resourcePath: '/orders/{orderId}',
        httpMethod: 'GET',
        requestId: response.headers.get('x-amzn-requestid'),
      },
    });
    // Header names arrive with the client's letter case, as API Gateway passes them.
    expect(event.headers['X-Idempotency-Key']).toBe('Key-1');
  });

  it('passes the body through as text', async () => {
    const response = await fetch(`${server.url}/orders`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(201);
    expect(events[events.length - 1]).toMatchObject({ body: '{"a":1}', isBase64Encoded: false, pathParameters: null });
  });

  it('answers 404 JSON for an unknown route and 405 JSON with Allow for a wrong method, and keeps serving', async () => {
    const unknown = await fetch(`${server.url}/customers`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'NotFound', message: expect.stringContaining('POST /orders') });

    const wrongMethod = await fetch(`${server.url}/orders`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await wrongMethod.json()).toMatchObject({ error: 'MethodNotAllowed' });

    expect((await fetch(`${server.url}/orders/1`)).status).toBe(200);
  });

  it("answers API Gateway's 502 when the function throws or returns no proxy result, and keeps serving", async () => {
    behaviour = 'throw';
    const crashed = await fetch(`${server.url}/orders/1`);
    expect(crashed.status).toBe(502);
    expect(await crashed.json()).toEqual({ message: 'Internal server error' });
    expect(logs[logs.length - 1]).toMatchObject({ statusCode: 502, gatewayError: 'TypeError: boom' });

    behaviour = 'malformed';
    const malformed = await fetch(`${server.url}/orders/1`);
    expect(malformed.status).toBe(502);
    expect(logs[logs.length - 1].gatewayError).toMatch(/Malformed Lambda proxy response/);

    behaviour = 'ok';
    expect((await fetch(`${server.url}/orders/1`)).status).toBe(200);
  });
});

describe('request bodies over the limit', () => {
  it('are refused with 413 while still arriving, before the upload ends', async () => {
    const logs: ApiRequestLog[] = [];
    const server = await startApiServer({
      routes,
      stage: 'test',
      port: 0,
      maxBodyBytes: 16 * 1024,
      onRequest: (log) => logs.push(log),
      invoke: async () => ({ statusCode: 201, body: '{}' }),
    });
    try {
      // A body that never ends: only an answer given while reading can arrive.
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(4096).fill(120));
          return new Promise((resolve) => setTimeout(resolve, 5));
        },
      });
      const controller = new AbortController();
      const response = await fetch(`${server.url}/orders`, { method: 'POST', body: endless, duplex: 'half', signal: controller.signal } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ message: 'Request Too Long' });
      controller.abort();
      expect(logs[0].gatewayError).toMatch(/over 16384 bytes/);
    } finally {
      await server.close();
    }
  });
});
