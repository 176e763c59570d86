import path from 'node:path';
import { UsageError, checkStage, parseArgs } from '../cli-args';
import { DEFAULT_DASHBOARD_PORT } from '../dashboard/defaults';
import { type Lab, findLab, loadLabs } from '../labs/manifest';
import { type DemoSettings, parseDemoSettings } from './demo-settings';
import { ENDPOINT_VARIABLE, InvalidDynamoDbEndpointError, externalDynamoDbEndpoint } from './dynamodb-endpoint';
import { DEFAULT_PORTS } from './ports';
import { SERVERLESS_FILE } from './serverless-config';

/** The command line of `npm start`, checked: every mistake is a UsageError saying what is accepted. */
export const USAGE = `Usage: npm start [-- options]

Runs the whole system locally from solution/serverless.yml: DynamoDB Local, the
tables and seed stock, Step Functions, the stream poller and the API.

Options:
  --api-port <port>        the API (API Gateway) port (default ${DEFAULT_PORTS.api})
  --sfn-port <port>        the Step Functions endpoint port (default ${DEFAULT_PORTS.sfn})
  --dynamodb-port <port>   the DynamoDB Local port (default ${DEFAULT_PORTS.dynamodb})
  --dynamodb-endpoint <url>
                           use a DynamoDB Local that is already running (e.g. the
                           Docker route) instead of starting one with Java;
                           the same as setting ${ENDPOINT_VARIABLE}
  --dashboard-port <port>  the live dashboard's port (default ${DEFAULT_DASHBOARD_PORT}, on 127.0.0.1 only)
  --no-dashboard           do not serve the dashboard
  --persist <dir>          keep data in <dir> between runs (default: in memory)
  --retry-wait-ms <ms>     wait before each state machine retry (default 200)
  --real-retry-waits       wait as the Retry policies in serverless.yml say
  --schedule-interval-ms <ms>
                           run functions with a schedule event this often
                           (default: their rate() / cron() in serverless.yml)
  --drain-ms <ms>          at Ctrl-C, how long running sagas get to finish
                           (default 10000; with --persist the rest resume next start)
  --stage <name>           stage used in resource names (default local)
  --config <file>          the serverless.yml to run (default solution/serverless.yml)
  --lab <N>                run YOUR code of lab N: the files in its folder's src/
                           over the finished solution/src (an unfinished TODO
                           answers 501 / fails its saga step, naming the TODO)
  --code-root <dir>        run the files under <dir>/src over solution/src, as
                           --lab does with a lab folder (instructors, tests)
  --verbose                also print the handlers' Powertools JSON logs
  --projector              for a projected screen: short ids, high-contrast
                           colours, lines that fit 100 columns
  --help                   show this help

Demo settings (they override serverless.yml; the log says while one is on):
  --fault-injection <plan> make saga steps fail on purpose, as FAULT_INJECTION:
                           step.setting=value pairs (no quotes needed in any shell)
                           e.g. processPayment.firstAttempts=2, or the JSON
                           '{"processPayment":{"rate":0.3,"seed":7}}'
  --payment-decline-above <amount>
                           decline payments above this amount, in currency
                           units, e.g. 100 or 99.50 (default: serverless.yml's
                           PAYMENT_DECLINE_ABOVE_CENTS)

The variables FAULT_INJECTION and PAYMENT_DECLINE_ABOVE_CENTS (in cents) still
work; an option wins over its variable. ORDER_RECONCILE_AFTER_SECONDS and
RECONCILE_ATTENTION_AFTER_VISITS, when set, override serverless.yml too (the
reconciler then acts within seconds: demos and the reliability suite).`;

/** State machine Retry waits locally, unless --real-retry-waits: a demo should not sit idle for 30 s. */
export const DEFAULT_RETRY_WAIT_MS = 200;
/** Ctrl-C waits this long for running sagas (they are in-process; DynamoDB Local stops next). */
export const DEFAULT_DRAIN_MS = 10_000;
/** Reconciler settings taken from the environment over serverless.yml: a demo (or the reliability suite) sees it act within seconds. */
export const RECONCILER_ENVIRONMENT = ['ORDER_RECONCILE_AFTER_SECONDS', 'RECONCILE_ATTENTION_AFTER_VISITS'];

export interface StartArgs {
  readonly apiPort: number;
  readonly sfnPort: number;
  readonly dynamodbPort: number;
  /** An already running DynamoDB Local (--dynamodb-endpoint, else SDP_DYNAMODB_ENDPOINT); none: start one. */
  readonly dynamodbEndpoint?: string;
  /** Undefined: --no-dashboard. */
  readonly dashboardPort?: number;
  readonly persistDir?: string;
  readonly retryWaitMs?: number;
  readonly scheduleIntervalMs?: number;
  readonly drainMs: number;
  readonly stage: string;
  readonly configFile: string;
  /** --lab N: the lab whose files run over solution/src; undefined runs solution/ alone. */
  readonly lab?: Lab;
  /** The folder whose src/ files run over solution/src: --code-root, else the lab's folder. */
  readonly codeRoot?: string;
  readonly verbose: boolean;
  /** --projector: short ids, high contrast, 100 columns. */
  readonly projector: boolean;
  /** --fault-injection / --payment-decline-above, else their variables; checked. */
  readonly demo: DemoSettings;
  readonly help: boolean;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function labNamed(raw: string): Lab {
  const labs = loadLabs();
  const lab = findLab(labs, raw);
  if (!lab) throw new UsageError(`--lab must be one of ${labs.map((l) => l.id).join(', ')} (labs/labs.json), got "${raw}"`);
  return lab;
}

/** The option wins over the variable; either is checked the same way (a typo fails here, named). */
function dynamodbEndpointOf(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return externalDynamoDbEndpoint(option === undefined ? env : { [ENDPOINT_VARIABLE]: option });
  } catch (error) {
    if (error instanceof InvalidDynamoDbEndpointError)
      throw new UsageError(option === undefined ? error.message : error.message.replace(ENDPOINT_VARIABLE, '--dynamodb-endpoint'));
    throw error;
  }
}

export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartArgs {
  const { values, flags } = parseArgs(argv, {
    values: [
      'api-port',
      'sfn-port',
      'dynamodb-port',
      'dynamodb-endpoint',
      'dashboard-port',
      'persist',
      'retry-wait-ms',
      'schedule-interval-ms',
      'drain-ms',
      'stage',
      'config',
      'lab',
      'code-root',
      'fault-injection',
      'payment-decline-above',
    ],
    flags: ['real-retry-waits', 'no-dashboard', 'verbose', 'projector', 'help'],
  });
  const args: StartArgs = {
    apiPort: integer('api-port', values['api-port'], DEFAULT_PORTS.api, 1, 65535),
    sfnPort: integer('sfn-port', values['sfn-port'], DEFAULT_PORTS.sfn, 1, 65535),
    dynamodbPort: integer('dynamodb-port', values['dynamodb-port'], DEFAULT_PORTS.dynamodb, 1, 65535),
    dynamodbEndpoint: dynamodbEndpointOf(values['dynamodb-endpoint'], env),
    dashboardPort: flags.has('no-dashboard') ? undefined : integer('dashboard-port', values['dashboard-port'], DEFAULT_DASHBOARD_PORT, 1, 65535),
    persistDir: values.persist,
    retryWaitMs: flags.has('real-retry-waits') ? undefined : integer('retry-wait-ms', values['retry-wait-ms'], DEFAULT_RETRY_WAIT_MS, 0, 600_000),
    scheduleIntervalMs:
      values['schedule-interval-ms'] === undefined ? undefined : integer('schedule-interval-ms', values['schedule-interval-ms'], 0, 100, 86_400_000),
    drainMs: integer('drain-ms', values['drain-ms'], DEFAULT_DRAIN_MS, 0, 600_000),
    stage: checkStage(values.stage ?? 'local'),
    configFile: values.config ? path.resolve(values.config) : SERVERLESS_FILE,
    ...(values.lab !== undefined ? { lab: labNamed(values.lab) } : {}),
    verbose: flags.has('verbose'),
    projector: flags.has('projector'),
    demo: parseDemoSettings({ faultInjection: values['fault-injection'], paymentDeclineAbove: values['payment-decline-above'] }, env),
    help: flags.has('help'),
  };
  const codeRoot = values['code-root'] !== undefined ? path.resolve(values['code-root']) : args.lab?.folder;
  if (codeRoot !== undefined) Object.assign(args, { codeRoot });
  if (flags.has('real-retry-waits') && values['retry-wait-ms'] !== undefined)
    throw new UsageError('--retry-wait-ms and --real-retry-waits cannot be used together');
  if (flags.has('no-dashboard') && values['dashboard-port'] !== undefined) throw new UsageError('--dashboard-port and --no-dashboard cannot be used together');
  const ports = [args.apiPort, args.sfnPort, args.dynamodbPort, ...(args.dashboardPort === undefined ? [] : [args.dashboardPort])];
  if (new Set(ports).size !== ports.length)
    throw new UsageError(`--api-port, --sfn-port, --dynamodb-port and --dashboard-port must differ (got ${ports.join(', ')})`);
  return args;
}
