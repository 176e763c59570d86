import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { fromProxyResult, type HttpResponseParts, toProxyEvent } from './api-events';
import { type Route, matchRoute } from './api-routes';
import { listenOn } from './ports';

/**
 * API Gateway (REST API, Lambda proxy integration), locally: an HTTP server
 * whose routes are the `http` events of serverless.yml. Each request becomes
 * the proxy event API Gateway would send, the function runs through the local
 * Lambda runtime, and its result becomes the HTTP response.
 *
 * Where API Gateway itself answers, the local server answers in JSON too:
 * - unknown route: 404; known path, wrong method: 405 with an `Allow` header
 *   (a deployed REST API says 403 "Missing Authentication Token" for both,
 *   which is famously confusing; locally we say what is wrong);
 * - the function throws, times out or returns something that is not a proxy
 *   result: 502 `{"message": "Internal server error"}`, exactly as API Gateway;
 * - a body over the limit (API Gateway's 10 MB; the local cloud passes the
 *   order API's 16 KB): 413, answered while the body is still arriving.
 * The server keeps serving after each of them.
 */
export interface ApiRequestLog {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly statusCode: number;
  readonly durationMs: number;
  readonly functionName?: string;
  readonly pathParameters?: Record<string, string> | null;
  /** Request header names lower-cased. */
  readonly requestHeaders: Record<string, string>;
  readonly responseBody: string;
  /** Why API Gateway answered instead of the function (502 and friends). */
  readonly gatewayError?: string;
}

export interface ApiServerOptions {
  readonly routes: readonly Route[];
  /** Runs a function with the proxy event; rejects when the function fails. */
  readonly invoke: (functionName: string, event: APIGatewayProxyEvent) => Promise<unknown>;
  readonly stage: string;
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly onRequest?: (log: ApiRequestLog) => void;
  readonly maxBodyBytes?: number;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const API_ID = 'local';

class BodyTooLargeError extends Error {
  constructor() {
    super('Request Too Long');
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the body, refusing it as soon as it passes the limit: the bytes past
 * the limit are never kept, and the 413 goes out without waiting for a slow
 * or endless upload to finish (the rest is read and dropped, so the client,
 * still sending, reads the answer instead of a reset connection).
 */
function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      return reject(new BodyTooLargeError());
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData);
      chunks.length = 0;
      request.resume();
      reject(new BodyTooLargeError());
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const jsonResponse = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponseParts => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const known = options.routes.map((route) => `${route.method} ${route.resource}`).join(', ');

  async function handle(request: http.IncomingMessage, requestId: string): Promise<{ response: HttpResponseParts; log: Partial<ApiRequestLog> }> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    let body: string;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return { response: jsonResponse(413, { message: 'Request Too Long' }), log: { gatewayError: `body over ${limit} bytes, refused while reading` } };
      throw error;
    }
    const match = matchRoute(options.routes, method, url.pathname);
    if (match.kind === 'not-found') {
      return {
        response: jsonResponse(404, { error: 'NotFound', message: `No route for ${method} ${url.pathname}. Routes: ${known}` }),
        log: { gatewayError: 'no such route' },
      };
    }
    if (match.kind === 'method-not-allowed') {
      return {
        response: jsonResponse(
          405,
          { error: 'MethodNotAllowed', message: `${method} is not allowed on ${match.resource}. Allowed: ${match.allow.join(', ')}` },
          { allow: match.allow.join(', ') },
        ),
        log: { gatewayError: 'method not allowed' },
      };
    }
    const event = toProxyEvent(
      { method, path: url.pathname, query: url.searchParams, rawHeaders: request.rawHeaders, body, sourceIp: request.socket.remoteAddress ?? '127.0.0.1' },
      { resource: match.route.resource, pathParameters: match.pathParameters, stage: options.stage, requestId, apiId: API_ID, now: new Date() },
    );
    const log = { functionName: match.route.functionName, pathParameters: match.pathParameters };
    try {
      const result = await options.invoke(match.route.functionName, event);
      return { response: fromProxyResult(result), log };
    } catch (error) {
      // The function failed (threw, timed out) or answered nonsense: API Gateway's 502.
      const err = error as { errorType?: string; errorMessage?: string; name?: string; message?: string };
      const reason = `${err.errorType ?? err.name ?? 'Error'}: ${err.errorMessage ?? err.message ?? String(error)}`;
      return { response: jsonResponse(502, { message: 'Internal server error' }), log: { ...log, gatewayError: reason } };
    }
  }

  const server = http.createServer((request, response) => {
    const started = Date.now();
    const requestId = randomUUID();
    handle(request, requestId)
      .catch((error: Error) => ({
        response: jsonResponse(500, { message: 'Internal server error' }),
        log: { gatewayError: `local API server: ${error.message}` },
      }))
      .then(({ response: initial, log: initialLog }) => {
        let parts = initial;
        let log = initialLog;
        try {
          response.writeHead(parts.statusCode, { ...parts.headers, 'x-amzn-requestid': requestId, 'x-amz-apigw-id': requestId.slice(0, 16) });
          response.end(parts.body);
        } catch (error) {
          // e.g. a header value Node refuses: the client still gets API Gateway's 502.
          parts = jsonResponse(502, { message: 'Internal server error' });
          log = { ...log, gatewayError: `Malformed Lambda proxy response: ${(error as Error).message}` };
          if (!response.headersSent) response.writeHead(502, parts.headers);
          response.end(parts.body);
        }
        const requestHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') requestHeaders[name] = value;
        try {
          options.onRequest?.({
            requestId,
            method: (request.method ?? 'GET').toUpperCase(),
            path: new URL(request.url ?? '/', 'http://localhost').pathname,
            statusCode: parts.statusCode,
            durationMs: Date.now() - started,
            requestHeaders,
            responseBody: parts.body.toString('utf8'),
            ...log,
          });
        } catch {
          // a logging problem must never take the API down
        }
      });
  });

  const port = await listenOn(server, options.port ?? 3000, host, 'the API');
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; requests in flight get a moment to finish.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
