import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { FieldProblem } from './errors';

/** HTTP header names are case-insensitive; API Gateway passes them as sent. */
export function lowerCaseHeaders(event: Pick<APIGatewayProxyEvent, 'headers'>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function badRequest(problems: readonly FieldProblem[]): APIGatewayProxyResult {
  return json(400, {
    error: 'ValidationError',
    message: `The request is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    details: problems,
  });
}

export function errorResponse(statusCode: number, error: string, message: string, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return json(statusCode, { error, message }, headers);
}
