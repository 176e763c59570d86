import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiRequestLog, type ApiServer, startApiServer } from './api-server';
import { buildRoutes, type Route } from './api-routes';
import { applyEnvironment, localAwsEnvironment } from './aws-env';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { JsonLinesFailureQueue } from './failure-queue';
import { compileFilterPatterns } from './filter-patterns';
import type { HopLog } from './hop-log';
import { LocalLambdaRuntime } from './lambda-runtime';
import { functionEnvironment, lambdaArn, resolveLocalValue, stateMachineArn } from './local-arns';
import { DEFAULT_PORTS, assertPortFree } from './ports';
import { type ServiceConfig, ServerlessConfigError, type StreamEventConfig, loadServiceConfig, tableNameOf } from './serverless-config';
import { FileExecutionStore } from './execution-store';
import { LocalScheduler, type Timer } from './scheduler';
import { type HistoryEvent, type LocalExecution, LocalStepFunctions } from './step-functions';
import { startStepFunctionsServer } from './step-functions-server';
import type { PublishedEvent } from './state-machine';
import { type CheckpointStore, FileCheckpoints, MemoryCheckpoints } from './stream-checkpoints';
import { type PollerEvent, StreamPoller } from './stream-poller';
import { streamArnOf } from './stream-reader';
import { createTables, seedInventory } from './tables';

/**
 * The whole system on one machine, built from serverless.yml alone:
 * DynamoDB Local (or an engine already running), the tables and seed stock,
 * Step Functions behind its JSON-protocol endpoint, one stream poller per
 * `stream` event, and the API from the `http` events. Handlers run unchanged
 * in this process; the AWS SDK finds the local services through the standard
 * AWS_ENDPOINT_URL_* variables.
 *
 * `npm start` (start.ts) and the end-to-end tests both use this.
 */
export interface LocalCloudOptions {
  readonly configFile?: string;
  /** Default `local`. */
  readonly stage?: string;
  /** solution/ (default) or a lab folder whose src/ files run over solution/src (see lambda-runtime.ts). */
  readonly codeRoot?: string;
  /** Lab mode: an unfinished TODO fails its invocation, naming it (see lambda-runtime.ts). */
  readonly failOnUnfinishedTodo?: boolean;
  /** Default 3000; 0 picks a free port. */
  readonly apiPort?: number;
  /** Default 8083; 0 picks a free port. */
  readonly sfnPort?: number;
  /** Use a DynamoDB engine that is already running (the tests' engine) instead of starting one. */
  readonly dynamodbEndpoint?: string;
  /** Port for the DynamoDB Local this starts (default 8000). */
  readonly dynamodbPort?: number;
  /** Keep DynamoDB data, stream checkpoints and on-failure messages in this folder. */
  readonly persistDir?: string;
  /** Where on-failure messages go when not persisting (default .local-cloud/ at the repo root). */
  readonly stateDir?: string;
  /** Replace every state machine Retry wait with this many ms; undefined keeps the real waits. */
  readonly stateMachineRetryWaitMs?: number;
  readonly streamPollIntervalMs?: number;
  readonly streamRetryDelayMs?: (retry: number) => number;
  /** Ctrl-C: how long running sagas get to finish before the engine stops (default 10 s); the rest resume next start with --persist. */
  readonly drainTimeoutMs?: number;
  /** Run every function with a `schedule` event this often instead of its own rate (demos, tests). */
  readonly scheduleIntervalMs?: number;
  /** The scheduler's clock (tests inject one). */
  readonly scheduleTimer?: Timer;
  /** Bodies larger than this are refused with 413 while being read (default 16 KB). */
  readonly maxBodyBytes?: number;
  /** Show the handlers' Powertools JSON logs. */
  readonly verbose?: boolean;
  /** Extra environment for the handlers (overrides serverless.yml). */
  readonly environment?: Record<string, string>;
  readonly log?: HopLog;
}

export interface FailureQueueInfo {
  readonly functionName: string;
  readonly arn: string;
  readonly file: string;
}

/** What observers (the dashboard) can follow: every API request, stream poller event and saga history event. */
export interface LocalCloudEvents {
  api: [request: ApiRequestLog];
  stream: [functionName: string, event: PollerEvent];
  saga: [execution: LocalExecution, event: HistoryEvent];
  /** An event put on the local bus: by the saga (OrderCompleted, OrderFailed) or a PutEvents call (OrderNeedsAttention). */
  published: [entry: PublishedEvent];
}

export interface LocalCloud {
  readonly config: ServiceConfig;
  /** Observer interface: listeners must not throw (they run inside the hops they observe). */
  readonly events: EventEmitter<LocalCloudEvents>;
  /** The handlers' runtime (e.g. to change their environment, as UpdateFunctionConfiguration would). */
  readonly runtime: LocalLambdaRuntime;
  readonly apiUrl: string;
  readonly routes: readonly Route[];
  readonly sfnEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** Set when the DynamoDB Local this started listens beyond 127.0.0.1: what that means, for the banner. */
  readonly dynamodbExposureWarning?: string;
  readonly stateMachineArns: readonly string[];
  readonly stepFunctions: LocalStepFunctions;
  readonly pollers: readonly StreamPoller[];
  readonly scheduler: LocalScheduler;
  /** Executions found RUNNING in --persist data at start and re-driven. */
  readonly resumedExecutions: number;
  readonly failureQueues: readonly FailureQueueInfo[];
  /** True when the inventory was seeded now (false: persisted data was kept). */
  readonly seeded: boolean;
  stop(): Promise<void>;
  /** Last resort for a process 'exit' handler: kill DynamoDB Local synchronously. */
  killEngine(): void;
}

export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/**
 * No order body needs more than 16 KB (the handler refuses more with a 400
 * naming the field). Locally the API stops reading there, so a huge upload
 * never sits in this long-running process's memory; on AWS, API Gateway
 * accepts up to 10 MB and the handler answers.
 */
export const LOCAL_MAX_BODY_BYTES = 16 * 1024;
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, '.local-cloud');

interface StreamMapping {
  readonly functionName: string;
  readonly event: StreamEventConfig;
  readonly tableName: string;
  readonly failureArn?: string;
}

/** Everything that can be checked before any process starts: a broken serverless.yml fails here, cleanly. */
function prepare(options: LocalCloudOptions) {
  const config = loadServiceConfig({ stage: options.stage ?? 'local', file: options.configFile });
  const where = options.configFile ?? 'solution/serverless.yml';
  try {
    const runtime = new LocalLambdaRuntime(config, { codeRoot: options.codeRoot, failOnUnfinishedTodo: options.failOnUnfinishedTodo });
    const store = options.persistDir ? new FileExecutionStore(path.join(path.resolve(options.persistDir), 'step-functions')) : undefined;
    const stepFunctions = new LocalStepFunctions(config, runtime, { retryIntervalMs: options.stateMachineRetryWaitMs, store });
    const routes = buildRoutes(config);
    const environment = functionEnvironment(config);
    const mappings: StreamMapping[] = [];
    for (const fn of Object.values(config.functions)) {
      for (const event of fn.streamEvents) {
        const arn = event.arn as { 'Fn::GetAtt'?: [string, string] } | undefined;
        const getAtt = arn && typeof arn === 'object' ? arn['Fn::GetAtt'] : undefined;
        if (!getAtt || getAtt[1] !== 'StreamArn') {
          throw new Error(`functions.${fn.name}: the local cloud runs stream events whose arn is !GetAtt <Table>.StreamArn`);
        }
        compileFilterPatterns(event.filterPatterns, `functions.${fn.name}.events.stream.filterPatterns`);
        const failureArn = event.onFailureArn === undefined ? undefined : String(resolveLocalValue(config, event.onFailureArn));
        mappings.push({ functionName: fn.name, event, tableName: tableNameOf(config, getAtt[0]), failureArn });
      }
    }
    return { config, runtime, stepFunctions, routes, environment, mappings };
  } catch (error) {
    if (error instanceof ServerlessConfigError) throw error;
    throw new ServerlessConfigError(`${where} cannot run locally: ${(error as Error).message}`);
  }
}

async function withDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const { config, runtime, stepFunctions, routes, environment, mappings } = prepare(options);
  const apiPort = options.apiPort ?? DEFAULT_PORTS.api;
  const sfnPort = options.sfnPort ?? DEFAULT_PORTS.sfn;
  const dynamodbPort = options.dynamodbPort ?? DEFAULT_PORTS.dynamodb;
  // Check every port before starting anything, so a clash ends with one clear message and nothing to clean up.
  if (apiPort !== 0) await assertPortFree(apiPort, 'the API');
  if (sfnPort !== 0) await assertPortFree(sfnPort, 'the Step Functions endpoint');
  if (!options.dynamodbEndpoint) await assertPortFree(dynamodbPort, 'DynamoDB Local');

  const persistDir = options.persistDir ? path.resolve(options.persistDir) : undefined;
  const queueDir = persistDir ?? options.stateDir ?? DEFAULT_STATE_DIR;
  const stops: Array<() => Promise<void>> = [];
  const events = new EventEmitter<LocalCloudEvents>();
  let engine: DynamoDbLocal | undefined;
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };

  try {
    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      if (persistDir) mkdirSync(persistDir, { recursive: true });
      const started = await startDynamoDbLocal({ port: dynamodbPort, dataPath: persistDir });
      engine = started;
      stops.push(() => started.stop());
      dynamodbEndpoint = started.endpoint;
    }
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamodb = new DynamoDBClient({ endpoint: dynamodbEndpoint, region: config.region, credentials });
    const streams = new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint, region: config.region, credentials });
    stops.push(async () => {
      dynamodb.destroy();
      streams.destroy();
    });
    await createTables(dynamodb, config);
    const inventory = await dynamodb.send(new ScanCommand({ TableName: tableNameOf(config, 'InventoryTable'), Limit: 1 }));
    const seeded = (inventory.Count ?? 0) === 0;
    if (seeded) await seedInventory(dynamodb, config);

    const sfnServer = await startStepFunctionsServer(stepFunctions, sfnPort);
    stops.push(async () => {
      // Sagas run in this process: give them time to end before DynamoDB Local stops under them.
      // What does not end in time stays RUNNING in the store; with --persist the next start re-drives it.
      const { interrupted } = await stepFunctions.drain(options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
      if (interrupted > 0) {
        options.log?.info(`${interrupted} saga(s) still running at stop: ${persistDir ? 'kept, re-driven at the next start' : 'lost (no --persist)'}`, 'warn');
      }
      await sfnServer.close();
    });
    stepFunctions.onEvent((execution, event) => events.emit('saga', execution, event));
    stepFunctions.onPublish((entries) => {
      for (const entry of entries) {
        options.log?.published(entry);
        events.emit('published', entry);
      }
    });
    if (options.log) {
      const log = options.log;
      stepFunctions.onEvent((execution, event) => log.saga(execution, event));
      const orders = DynamoDBDocumentClient.from(dynamodb);
      const ordersTable = tableNameOf(config, 'OrdersTable');
      log.useOrderLookup(async (orderId) => {
        const { Item } = await orders.send(new GetCommand({ TableName: ordersTable, Key: { orderId }, ConsistentRead: true }));
        return Item ? { status: String(Item.status), failureReason: Item.failureReason, needsAttention: Item.needsAttention === true } : undefined;
      });
    }

    applyEnvironment({
      ...environment,
      ...localAwsEnvironment({ dynamodb: dynamodbEndpoint, sfn: sfnServer.endpoint }, config.region),
      POWERTOOLS_LOG_LEVEL: options.verbose ? 'INFO' : 'SILENT',
      ...options.environment,
    });

    const checkpoints: CheckpointStore = persistDir ? new FileCheckpoints(path.join(persistDir, 'stream-checkpoints.json')) : new MemoryCheckpoints();
    const pollers: StreamPoller[] = [];
    const failureQueues: FailureQueueInfo[] = [];
    for (const mapping of mappings) {
      let onFailure: JsonLinesFailureQueue | undefined;
      if (mapping.failureArn) {
        const queueName = mapping.failureArn.split(':').pop() as string;
        onFailure = new JsonLinesFailureQueue(mapping.failureArn, path.join(queueDir, `${queueName}.jsonl`));
        // In memory, the stream the messages point into is gone after a restart: start with an empty queue.
        if (!persistDir) onFailure.reset();
        failureQueues.push({ functionName: mapping.functionName, arn: mapping.failureArn, file: onFailure.file });
      }
      const poller = new StreamPoller({
        functionName: mapping.functionName,
        functionArn: lambdaArn(config, mapping.functionName),
        streamArn: await streamArnOf(dynamodb, mapping.tableName),
        event: mapping.event,
        streams,
        invoke: (event) => runtime.invoke(mapping.functionName, event),
        onFailure,
        checkpoints,
        region: config.region,
        pollIntervalMs: options.streamPollIntervalMs,
        retryDelayMs: options.streamRetryDelayMs,
        onEvent: (event) => {
          options.log?.poller(mapping.functionName, event);
          events.emit('stream', mapping.functionName, event);
        },
      });
      pollers.push(poller);
    }
    for (const poller of pollers) {
      poller.start();
      stops.push(() => withDeadline(poller.stop(), 3000));
    }

    // Before the API opens: sagas a crash or a stop interrupted continue first.
    const resumed = stepFunctions.resumeInterrupted();
    if (resumed.length > 0) options.log?.info(`re-driving ${resumed.length} saga(s) that were running when the local cloud last stopped`, 'warn');

    const scheduler = new LocalScheduler({
      config,
      invoke: (functionName, event) => runtime.invoke(functionName, event),
      intervalMs: options.scheduleIntervalMs,
      timer: options.scheduleTimer,
      onEvent: options.log ? (event) => options.log?.schedule(event) : undefined,
    });
    scheduler.start();
    stops.push(() => withDeadline(scheduler.stop(), 5000));

    const api: ApiServer = await startApiServer({
      routes,
      stage: config.stage,
      port: apiPort,
      maxBodyBytes: options.maxBodyBytes ?? LOCAL_MAX_BODY_BYTES,
      invoke: (functionName, event) => runtime.invoke(functionName, event),
      onRequest: (request) => {
        options.log?.api(request);
        events.emit('api', request);
      },
    });
    stops.push(() => api.close());

    return {
      config,
      events,
      runtime,
      apiUrl: api.url,
      routes,
      sfnEndpoint: sfnServer.endpoint,
      dynamodbEndpoint,
      ...(engine?.exposureWarning ? { dynamodbExposureWarning: engine.exposureWarning } : {}),
      stateMachineArns: config.stateMachines.map((machine) => stateMachineArn(config, machine.name)),
      stepFunctions,
      pollers,
      scheduler,
      resumedExecutions: resumed.length,
      failureQueues,
      seeded,
      stop: stopAll,
      killEngine: () => engine?.kill(),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
