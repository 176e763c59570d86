import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Tags } from 'yaml';
import { MEMO_ROOT, memoKey, packageVersion, recallMemo, rememberMemo } from './disk-memo';
import { parseScheduleExpression, type ScheduleExpression } from './schedule-expression';

/**
 * Reads solution/serverless.yml, the single source of truth, so the local
 * cloud and the tests build exactly what AWS would: same tables, same
 * functions and environment, same stream mapping, same state machine.
 *
 * Supports the small set of Serverless variables the file uses
 * (`${self:...}`, `${sls:stage}`, `${opt:stage|region, 'default'}`,
 * `${param:...}` from the `params` block) and
 * keeps CloudFormation intrinsics (`!Ref`, `!GetAtt`, `!Sub`) as their JSON
 * form for the caller to resolve.
 */

export const SOLUTION_DIR = path.resolve(__dirname, '../../solution');
export const SERVERLESS_FILE = path.join(SOLUTION_DIR, 'serverless.yml');

export class ServerlessConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerlessConfigError';
  }
}

export type Intrinsic = { Ref: string } | { 'Fn::GetAtt': [string, string] } | { 'Fn::Sub': unknown };

export interface HttpEventConfig {
  readonly method: string;
  readonly path: string;
}

export interface StreamEventConfig {
  readonly arn: unknown;
  readonly batchSize: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly filterPatterns: readonly Record<string, unknown>[];
  readonly functionResponseType?: string;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeInSeconds?: number;
  readonly onFailureArn?: unknown;
}

/** A `schedule` event: the function runs at this rate (EventBridge Scheduler / rule). */
export interface ScheduleEventConfig {
  readonly expression: ScheduleExpression;
  readonly enabled: boolean;
  /** The event the function receives instead of the default Scheduled Event. */
  readonly input?: unknown;
}

export interface FunctionConfig {
  readonly name: string;
  /** e.g. `src/handlers/create-order.handler`, relative to the solution folder. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, unknown>;
  readonly httpEvents: readonly HttpEventConfig[];
  readonly streamEvents: readonly StreamEventConfig[];
  readonly scheduleEvents: readonly ScheduleEventConfig[];
}

export interface TableConfig {
  readonly logicalId: string;
  readonly properties: Record<string, any>;
}

export interface StateMachineConfig {
  readonly key: string;
  readonly logicalId: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: Record<string, any>;
}

export interface ServiceConfig {
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  readonly functions: Record<string, FunctionConfig>;
  readonly tables: readonly TableConfig[];
  readonly stateMachines: readonly StateMachineConfig[];
  readonly resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
}

/** Change it when intrinsicTags changes what a tag becomes: remembered parses then miss. */
const TAGS_VERSION = 'intrinsics-1';

const intrinsicTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  {
    tag: '!GetAtt',
    resolve: (value: string) => {
      const dot = value.indexOf('.');
      return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
    },
  },
  { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
];

export interface LoadOptions {
  readonly stage?: string;
  readonly region?: string;
  readonly file?: string;
}

export function loadServiceConfig(options: LoadOptions = {}): ServiceConfig {
  const file = options.file ?? SERVERLESS_FILE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServerlessConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const raw = parseYaml(text, file);
  const stage = options.stage ?? 'local';
  const region = options.region ?? 'us-east-1';
  const resolved = resolveVariables(raw, raw, { stage, region }) as Record<string, any>;
  return toServiceConfig(resolved, stage, region, file);
}

const PARSED_YAML = path.join(MEMO_ROOT, 'sdp-serverless-yaml');

/**
 * The file's YAML as plain data (intrinsic tags as their JSON form). Parsing
 * 1,000 lines of YAML costs about 0.15 s of CPU in a fresh jest module
 * registry, which every test file (and every `check:lab`) would pay for the
 * same text: the result is remembered as JSON under the text's hash. Only a
 * successful parse is remembered; invalid YAML fails every time.
 */
function parseYaml(text: string, file: string): Record<string, any> {
  const key = memoKey(packageVersion('yaml'), TAGS_VERSION, text);
  const remembered = recallMemo(PARSED_YAML, key);
  if (remembered !== undefined) {
    try {
      return JSON.parse(remembered) as Record<string, any>;
    } catch {
      // a damaged memo: parse again
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const document = parseDocument(text, { customTags: intrinsicTags });
  if (document.errors.length > 0) {
    throw new ServerlessConfigError(`${file} is not valid YAML: ${document.errors[0].message}`);
  }
  const raw = document.toJS() as Record<string, any>;
  rememberMemo(PARSED_YAML, key, JSON.stringify(raw));
  return raw;
}

interface VariableContext {
  readonly stage: string;
  readonly region: string;
}

// `${source:...}` only: `${Name}` and `${AWS::Region}` are CloudFormation
// `!Sub` placeholders, left for CloudFormation as `sls` leaves them.
const VARIABLE = /\$\{([a-z]+:(?!:)[^{}]*)\}/g;

function resolveVariables(value: unknown, root: Record<string, any>, context: VariableContext, depth = 0): unknown {
  if (depth > 20) throw new ServerlessConfigError('serverless.yml variables refer to each other in a loop');
  if (typeof value === 'string') return resolveString(value, root, context, depth);
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, root, context, depth));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveVariables(item, root, context, depth)]));
  }
  return value;
}

function resolveString(text: string, root: Record<string, any>, context: VariableContext, depth: number): unknown {
  const whole = text.match(/^\$\{([a-z]+:(?!:)[^{}]*)\}$/);
  if (whole) return resolveVariables(resolveOne(whole[1], root, context), root, context, depth + 1);
  return text.replace(VARIABLE, (_, expression: string) => {
    const value = resolveVariables(resolveOne(expression, root, context), root, context, depth + 1);
    if (typeof value === 'object') throw new ServerlessConfigError(`\${${expression}} is an object and cannot be part of a string`);
    return String(value);
  });
}

function resolveOne(expression: string, root: Record<string, any>, context: VariableContext): unknown {
  const [reference, fallbackRaw] = expression.split(/,(.*)/s).map((part) => part?.trim());
  const fallback = fallbackRaw?.replace(/^['"]|['"]$/g, '');
  if (reference === 'sls:stage' || reference === 'opt:stage') return context.stage ?? fallback;
  if (reference === 'opt:region') return context.region ?? fallback;
  if (reference.startsWith('param:')) {
    // Stage params: `params.<stage>.<name>`, else `params.default.<name>` (as `sls` resolves them).
    const name = reference.slice('param:'.length);
    const value = root.params?.[context.stage]?.[name] ?? root.params?.default?.[name] ?? fallback;
    if (value === undefined) throw new ServerlessConfigError(`\${${expression}} in serverless.yml has no value in params.${context.stage} or params.default`);
    return value;
  }
  if (reference.startsWith('self:')) {
    const value = reference
      .slice('self:'.length)
      .split('.')
      .reduce<any>((node, key) => (node === undefined || node === null ? undefined : node[key]), root);
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ServerlessConfigError(`\${${expression}} in serverless.yml points at nothing`);
    }
    return value;
  }
  throw new ServerlessConfigError(`\${${expression}}: the local cloud supports only self:, sls:stage, opt:stage, opt:region and param: variables`);
}

function toServiceConfig(raw: Record<string, any>, stage: string, region: string, file: string): ServiceConfig {
  const resources: ServiceConfig['resources'] = raw.resources?.Resources ?? {};
  const providerEnvironment = raw.provider?.environment ?? {};
  const defaultTimeout = Number(raw.provider?.timeout ?? 6);
  const functions: Record<string, FunctionConfig> = {};
  for (const [name, fn] of Object.entries<any>(raw.functions ?? {})) {
    if (typeof fn?.handler !== 'string') throw new ServerlessConfigError(`${file}: functions.${name}.handler is missing`);
    const events: any[] = fn.events ?? [];
    functions[name] = {
      name,
      handler: fn.handler,
      timeoutSeconds: Number(fn.timeout ?? defaultTimeout),
      environment: { ...providerEnvironment, ...(fn.environment ?? {}) },
      httpEvents: events
        .filter((event) => event.http)
        .map((event) => ({ method: String(event.http.method).toUpperCase(), path: `/${String(event.http.path).replace(/^\//, '')}` })),
      streamEvents: events
        .filter((event) => event.stream)
        .map(({ stream }) => ({
          arn: stream.arn,
          batchSize: Number(stream.batchSize ?? 100),
          startingPosition: stream.startingPosition ?? 'TRIM_HORIZON',
          filterPatterns: stream.filterPatterns ?? [],
          functionResponseType: stream.functionResponseType,
          bisectBatchOnFunctionError: Boolean(stream.bisectBatchOnFunctionError),
          maximumRetryAttempts: Number(stream.maximumRetryAttempts ?? -1),
          maximumRecordAgeInSeconds: stream.maximumRecordAgeInSeconds,
          onFailureArn: stream.destinations?.onFailure?.arn,
        })),
      scheduleEvents: events
        .filter((event) => event.schedule !== undefined)
        .flatMap((event, index) => scheduleEvents(event.schedule, `${file}: functions.${name}.events[schedule ${index + 1}]`)),
    };
  }
  const tables = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => ({ logicalId, properties: resource.Properties ?? {} }));
  const stateMachines = Object.entries<any>(raw.stepFunctions?.stateMachines ?? {}).map(([key, machine]) => ({
    key,
    logicalId: machine.id ?? key,
    name: machine.name ?? key,
    type: machine.type ?? 'STANDARD',
    definition: machine.definition,
  }));
  return { service: String(raw.service), stage, region, functions, tables, stateMachines, resources };
}

/** `schedule: rate(5 minutes)` or `schedule: { rate: [rate(5 minutes)] | rate(...), enabled, input }`. */
function scheduleEvents(raw: unknown, where: string): ScheduleEventConfig[] {
  const parse = (text: unknown) => {
    try {
      return parseScheduleExpression(String(text), where);
    } catch (error) {
      throw new ServerlessConfigError((error as Error).message);
    }
  };
  if (typeof raw === 'string') return [{ expression: parse(raw), enabled: true }];
  if (!raw || typeof raw !== 'object') throw new ServerlessConfigError(`${where}: expected a rate()/cron() string or an object with a rate`);
  const event = raw as { rate?: unknown; enabled?: unknown; input?: unknown };
  const rates = Array.isArray(event.rate) ? event.rate : [event.rate];
  if (rates.length === 0 || rates.some((rate) => rate === undefined)) throw new ServerlessConfigError(`${where}: rate is missing`);
  const enabled = event.enabled === undefined ? true : event.enabled !== false && event.enabled !== 'false';
  return rates.map((rate) => ({ expression: parse(rate), enabled, input: event.input }));
}

/** The table name a `Fn::GetAtt`/`Ref` to a table resource stands for. */
export function tableNameOf(config: ServiceConfig, logicalId: string): string {
  const table = config.tables.find((t) => t.logicalId === logicalId);
  if (!table) throw new ServerlessConfigError(`No DynamoDB table resource named ${logicalId} in serverless.yml`);
  return String(table.properties.TableName);
}
