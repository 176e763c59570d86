import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
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
import { type HistoryEvent, type LocalExecution, LocalStepFunctions } from './step-functions';
import { startStepFunctionsServer } from './step-functions-server';
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
  readonly stateMachineArns: readonly string[];
  readonly stepFunctions: LocalStepFunctions;
  readonly pollers: readonly StreamPoller[];
  readonly failureQueues: readonly FailureQueueInfo[];
  /** True when the inventory was seeded now (false: persisted data was kept). */
  readonly seeded: boolean;
  stop(): Promise<void>;
  /** Last resort for a process 'exit' handler: kill DynamoDB Local synchronously. */
  killEngine(): void;
}

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
    const stepFunctions = new LocalStepFunctions(config, runtime, { retryIntervalMs: options.stateMachineRetryWaitMs });
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
      // Let running sagas reach a state boundary; they are in-process and end with it anyway.
      await withDeadline(stepFunctions.idle(), 2000);
      await sfnServer.close();
    });
    stepFunctions.onEvent((execution, event) => events.emit('saga', execution, event));
    if (options.log) {
      const log = options.log;
      stepFunctions.onEvent((execution, event) => log.saga(execution, event));
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

    const api: ApiServer = await startApiServer({
      routes,
      stage: config.stage,
      port: apiPort,
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
      stateMachineArns: config.stateMachines.map((machine) => stateMachineArn(config, machine.name)),
      stepFunctions,
      pollers,
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
