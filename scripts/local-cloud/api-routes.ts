import type { ServiceConfig } from './serverless-config';

/**
 * The REST API's routes, read from the `http` events in serverless.yml: a
 * resource path such as `/orders/{orderId}` (with `{name}` and greedy
 * `{name+}` parameters), its methods, and the function behind each.
 */
export interface Route {
  readonly functionName: string;
  readonly method: string;
  /** The resource template, e.g. `/orders/{orderId}` (API Gateway's `resource`). */
  readonly resource: string;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly pathParameters: Record<string, string> | null }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[]; readonly resource: string }
  | { readonly kind: 'not-found' };

export class RouteConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteConfigError';
  }
}

type Segment = { readonly kind: 'static'; readonly text: string } | { readonly kind: 'param'; readonly name: string; readonly greedy: boolean };

const PARAM = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

function parseResource(resource: string): Segment[] {
  const parts = resource.split('/').filter((part) => part !== '');
  return parts.map((part, i) => {
    const param = PARAM.exec(part);
    if (!param) {
      if (part.includes('{') || part.includes('}')) throw new RouteConfigError(`http path "${resource}": "${part}" is not a valid path part`);
      return { kind: 'static', text: part };
    }
    if (param[2] && i !== parts.length - 1) throw new RouteConfigError(`http path "${resource}": a greedy {${param[1]}+} must be the last part`);
    return { kind: 'param', name: param[1], greedy: param[2] === '+' };
  });
}

export function buildRoutes(config: ServiceConfig): Route[] {
  const routes: Route[] = [];
  for (const fn of Object.values(config.functions)) {
    for (const event of fn.httpEvents) {
      const method = event.method.toUpperCase();
      if (!METHODS.has(method)) throw new RouteConfigError(`functions.${fn.name}: http method "${event.method}" is not an HTTP method`);
      parseResource(event.path);
      const resource = `/${event.path.replace(/^\/+|\/+$/g, '')}`;
      if (routes.some((route) => route.resource === resource && route.method === method)) {
        throw new RouteConfigError(`${method} ${resource} is declared twice in serverless.yml`);
      }
      routes.push({ functionName: fn.name, method, resource });
    }
  }
  return routes;
}

/** Binds `path` to `segments`; null when it does not fit. Score: static parts first, as API Gateway prefers them. */
function bind(segments: readonly Segment[], parts: readonly string[]): { params: Record<string, string>; score: number[] } | null {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === 'param' && segment.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0) return null;
      params[segment.name] = rest.map(decode).join('/');
      score.push(0);
      return { params, score };
    }
    const part = parts[i];
    if (part === undefined || part === '') return null;
    if (segment.kind === 'static') {
      if (segment.text !== part) return null;
      score.push(2);
    } else {
      params[segment.name] = decode(part);
      score.push(1);
    }
  }
  return parts.length === segments.length ? { params, score } : null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const compareScores = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (b[i] ?? -1) - (a[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
};

/** Finds the route for a request path (no query string, no stage prefix). */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const parts = path.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // one trailing slash is tolerated
  const resources = new Map<string, { params: Record<string, string>; score: number[]; routes: Route[] }>();
  for (const route of routes) {
    const bound = bind(parseResource(route.resource), parts.length === 1 && parts[0] === '' ? [] : parts);
    if (!bound) continue;
    const entry = resources.get(route.resource) ?? { ...bound, routes: [] };
    entry.routes.push(route);
    resources.set(route.resource, entry);
  }
  const best = [...resources.entries()].sort(([, a], [, b]) => compareScores(a.score, b.score))[0];
  if (!best) return { kind: 'not-found' };
  const [resource, { params, routes: candidates }] = best;
  const route = candidates.find((r) => r.method === method.toUpperCase()) ?? candidates.find((r) => r.method === 'ANY');
  if (!route) return { kind: 'method-not-allowed', allow: candidates.map((r) => r.method).sort(), resource };
  return { kind: 'found', route, pathParameters: Object.keys(params).length > 0 ? params : null };
}
