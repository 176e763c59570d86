import http from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../local-cloud/local-cloud';
import { listenOn } from '../local-cloud/ports';
import { buildAssets } from './assets';
import { DEFAULT_DASHBOARD_PORT } from './defaults';
import { DemoOrders, UnknownDemoOrderError } from './demo';
import { FaultControl, UnknownFaultStepError } from './faults';
import { ExecutionViews } from './executions';
import { buildSagaGraph } from './graph';
import { checkRequest } from './guard';
import { Observations } from './observations';
import { takeSnapshot } from './snapshot';

/**
 * The live dashboard of `npm start`: one page showing orders, the outbox and
 * relay, the idempotency keys and each saga as a graph, updated over
 * server-sent events whenever the local cloud reports a hop, with demo
 * controls. Listens on 127.0.0.1 only; see guard.ts for who may use it.
 */
export { DEFAULT_DASHBOARD_PORT } from './defaults';

export interface DashboardOptions {
  /** Default 3001; 0 picks a free port. */
  readonly port?: number;
  /** Wait this long after a hop before sending a new picture, so a burst of hops is one update. */
  readonly debounceMs?: number;
  /** Also refresh this often (TTL deletions and other writes no hop reports). */
  readonly refreshMs?: number;
}

export interface Dashboard {
  readonly url: string;
  readonly port: number;
  /** Pictures taken for the live updates so far (none while no page is open). */
  readonly snapshotsTaken: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  // Everything comes from this server; nothing may frame the page (clickjacking the controls).
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class BadRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'BadRequestError';
  }
}

function readJson(request: http.IncomingMessage, limit = 10_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      reject(new BadRequestError('content-type must be application/json', 415));
      return;
    }
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) reject(new BadRequestError('body too large', 413));
    });
    request.on('end', () => {
      try {
        const parsed = JSON.parse(body) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        resolve(parsed as Record<string, unknown>);
      } catch {
        reject(new BadRequestError('body must be a JSON object'));
      }
    });
    request.on('error', reject);
  });
}

export async function startDashboard(cloud: LocalCloud, options: DashboardOptions = {}): Promise<Dashboard> {
  const assets = await buildAssets();
  const graphs = cloud.config.stateMachines.map((machine) => buildSagaGraph(machine.name, machine.definition));
  const observations = new Observations();
  const faults = new FaultControl(cloud.runtime);
  const demo = new DemoOrders(cloud.apiUrl);
  const dynamodb = new DynamoDBClient({
    endpoint: cloud.dynamodbEndpoint,
    region: cloud.config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const sources = { cloud, documents, observations, faults, executions: new ExecutionViews(cloud.stepFunctions) };
  const clients = new Set<http.ServerResponse>();
  let latest = '';

  let snapshotsTaken = 0;

  // Updates: a hop schedules one new snapshot (debounced); a snapshot in flight queues at most one more.
  // A snapshot scans three whole tables: with no page open nobody would see it, and under load those
  // scans competed with the orders for DynamoDB Local (up to 25 a second, each longer as orders pile up).
  // So without a page nothing is taken, and the picture kept from before is stale: a page that opens
  // gets a fresh one (the /api/events handler schedules it) instead of an old one first.
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const refresh = async () => {
    timer = undefined;
    if (clients.size === 0) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      snapshotsTaken++;
      latest = JSON.stringify(await takeSnapshot(sources));
      for (const client of clients) client.write(`data: ${latest}\n\n`);
    } catch {
      // DynamoDB Local stopping under us (Ctrl-C): the next refresh, if any, tries again.
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (clients.size === 0) {
      latest = '';
      return;
    }
    timer ??= setTimeout(() => void refresh(), options.debounceMs ?? 40);
  };
  // Listeners run inside the hops they observe: a dashboard bug must never break an order.
  const onApi = (request: Parameters<Observations['onApiRequest']>[0]) => {
    try {
      observations.onApiRequest(request);
    } catch {
      // Counted wrong at worst; the snapshot below still shows the tables as they are.
    }
    schedule();
  };
  const onStream = (_fn: string, event: Parameters<Observations['onStreamEvent']>[0]) => {
    try {
      observations.onStreamEvent(event);
    } catch {
      // As above.
    }
    schedule();
  };
  cloud.events.on('api', onApi);
  cloud.events.on('stream', onStream);
  cloud.events.on('saga', schedule);
  const heartbeat = setInterval(schedule, options.refreshMs ?? 2000);

  let port = 0;
  const send = (response: http.ServerResponse, statusCode: number, body: unknown) => {
    response.writeHead(statusCode, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const verdict = checkRequest({ method, host: request.headers.host, origin: request.headers.origin }, port);
    if (!verdict.ok) return send(response, 403, { error: 'Forbidden', message: verdict.reason });
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (method === 'GET') {
      const asset = assets.get(pathname);
      if (asset) {
        response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
        return void response.end(asset.body);
      }
      if (pathname === '/api/graph') return send(response, 200, graphs);
      if (pathname === '/api/snapshot') return send(response, 200, await takeSnapshot(sources));
      if (pathname === '/api/events') {
        response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
        clients.add(response);
        request.on('close', () => clients.delete(response));
        if (latest) response.write(`data: ${latest}\n\n`);
        schedule();
        return;
      }
      if (pathname === '/favicon.ico') return void response.writeHead(204, SECURITY_HEADERS).end();
      return send(response, 404, { error: 'NotFound', message: `nothing at ${pathname}` });
    }
    if (method === 'POST' && pathname === '/api/orders') {
      const body = await readJson(request);
      const result = await demo.place(body.kind);
      schedule();
      return send(response, 200, result);
    }
    if (method === 'POST' && pathname === '/api/faults') {
      const body = await readJson(request);
      if (typeof body.on !== 'boolean') throw new BadRequestError('on must be true or false');
      const plan = faults.set(body.step, body.on);
      schedule();
      return send(response, 200, { faults: plan, faultsVersion: faults.version });
    }
    return send(response, 405, { error: 'MethodNotAllowed', message: `${method} ${pathname} is not supported` });
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      const known = error instanceof BadRequestError || error instanceof UnknownDemoOrderError || error instanceof UnknownFaultStepError;
      const statusCode = error instanceof BadRequestError ? error.statusCode : known ? 400 : 500;
      if (!response.headersSent) send(response, statusCode, { error: error.name, message: error.message });
      else response.end();
    });
  });
  // Loopback only: nobody else on the conference Wi-Fi can reach it.
  port = await listenOn(server, options.port ?? DEFAULT_DASHBOARD_PORT, '127.0.0.1', 'the dashboard');

  return {
    url: `http://localhost:${port}`,
    port,
    get snapshotsTaken() {
      return snapshotsTaken;
    },
    close: async () => {
      clearInterval(heartbeat);
      clearTimeout(timer);
      cloud.events.off('api', onApi);
      cloud.events.off('stream', onStream);
      cloud.events.off('saga', schedule);
      for (const client of clients) client.end();
      clients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      dynamodb.destroy();
    },
  };
}
