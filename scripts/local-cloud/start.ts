/**
 * `npm start`: the whole order system running offline, from
 * solution/serverless.yml, on real local engines. See docs/local-cloud.md.
 *
 *   npm start
 *   npm start -- --persist .local-cloud/data --api-port 3002 --verbose
 */
import './quiet-sdk';
import path from 'node:path';
import { UsageError } from '../cli-args';
import { type Dashboard, startDashboard } from '../dashboard/server';
import { listFiles } from '../labs/lab-tree';
import { installCodeOverlay } from '../labs/node-resolve-hook';
import { JavaMissingError } from './dynamodb-local';
import { HopLog } from './hop-log';
import { PROJECTOR_COLUMNS, wrap } from './hop-log-style';
import { KnownOrders } from './known-orders';
import { DEFAULT_STATE_DIR, type LocalCloud, startLocalCloud } from './local-cloud';
import { PortInUseError, assertPortFree, nextFreePort } from './ports';
import { ServerlessConfigError, tableNameOf } from './serverless-config';
import { activeDemoSettings, demoEnvironment, demoSettingsReminder } from './demo-settings';
import { functionEnvironment } from './local-arns';
import { RECONCILER_ENVIRONMENT, type StartArgs, USAGE, parseStartArgs } from './start-args';

/** A path as a learner would type it: relative when inside the current folder, absolute otherwise. */
const relative = (file: string) => {
  const shown = path.relative(process.cwd(), file);
  return shown === '' ? '.' : shown.startsWith('..') ? file : shown;
};
const localhost = (url: string) => url.replace('127.0.0.1', 'localhost');

/** Which code answers: solution/, or (--lab N) the lab's files over solution/src. */
function codeLines(args: StartArgs): string[] {
  const { lab, codeRoot } = args;
  if (!codeRoot) return ['Code: solution/ (the finished system). npm start -- --lab N runs your code of lab N instead.'];
  const files = listFiles(path.join(path.resolve(codeRoot), 'src')).map((file) => `src/${file}`);
  const note = (file: string) => (!lab || lab.edit.includes(file) ? '' : "   (an earlier lab's file, carried in)");
  return [
    `Code: ${lab ? `YOUR lab ${lab.id} (${lab.title})` : relative(path.resolve(codeRoot))}: these files, over the finished solution/src for everything else`,
    ...files.map((file) => `  ${relative(path.join(path.resolve(codeRoot), file))}${note(file)}`),
    '  An unfinished TODO answers 501 (API) or fails its saga step, naming the lab and step.',
  ];
}

/**
 * AWS CLI lines that work as pasted: the local engines accept any
 * credentials, but the CLI refuses to run without some, and without a region.
 * AWS_PAGER= keeps CLI v2 from opening a pager.
 */
function awsCli(command: string, region: string): string {
  return `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_PAGER= aws ${command} --region ${region}`;
}

/**
 * The demo settings in force, loud, at the top of the banner: a room watching a
 * demo must know the failures it sees were asked for. Projected, "none" is said too.
 */
function demoSettingsLines(cloud: LocalCloud, args: StartArgs, color: boolean): string[] {
  const active = activeDemoSettings(process.env, functionEnvironment(cloud.config));
  const loud = (text: string) => (color ? `\u001b[1;31m${text}\u001b[0m` : text);
  if (active.length === 0) return args.projector ? ['Demo settings: none (the system runs as serverless.yml says)'] : [];
  return [loud('⚠ DEMO SETTINGS ON: the failures below were asked for, not how serverless.yml runs the system'), ...active.map((line) => loud(`    ${line}`))];
}

function banner(cloud: LocalCloud, dashboard: Dashboard | undefined, args: StartArgs, seconds: string, color: boolean): string {
  const api = localhost(cloud.apiUrl);
  const sfn = localhost(cloud.sfnEndpoint);
  const dynamodb = localhost(cloud.dynamodbEndpoint);
  const machine = cloud.stateMachineArns[0];
  const ownStorage = args.persistDir
    ? `data kept in ${relative(path.resolve(args.persistDir))}${cloud.seeded ? '' : ' (existing data)'}`
    : 'in memory: data is gone when you stop';
  const storage = args.dynamodbEndpoint ? 'yours (--dynamodb-endpoint / SDP_DYNAMODB_ENDPOINT): started and kept by you' : ownStorage;
  const retries = args.retryWaitMs === undefined ? 'as in serverless.yml' : `${args.retryWaitMs} ms (shortened; --real-retry-waits for the real ones)`;
  const routes = cloud.routes.map((route) => `${route.method} ${route.resource}`).join(', ');
  const lines = [
    '',
    `Local cloud ready in ${seconds} s (stage ${cloud.config.stage}, from ${relative(args.configFile)})`,
    ...demoSettingsLines(cloud, args, color),
    ...codeLines(args),
    '',
    `  API (API Gateway)        ${api}   ${routes}`,
    ...(dashboard ? [`  Dashboard                ${dashboard.url}   live orders, outbox, idempotency keys and sagas`] : []),
    `  Step Functions endpoint  ${sfn}   saga retry waits: ${retries}`,
    `  DynamoDB Local           ${dynamodb}   ${storage}`,
    ...(cloud.dynamodbExposureWarning ? [`  ⚠ ${cloud.dynamodbExposureWarning}`] : []),
    ...cloud.pollers.map((poller) => `  Stream poller            outbox stream → ${poller.functionName}`),
    ...cloud.failureQueues.map((queue) => `  On-failure destination   ${relative(queue.file)}`),
    ...cloud.scheduler.functions.map(
      ({ functionName, schedule }) =>
        `  Schedule                 ${functionName} every ${args.scheduleIntervalMs === undefined ? schedule.expression.text : `${args.scheduleIntervalMs} ms (--schedule-interval-ms)`}`,
    ),
    ...(cloud.resumedExecutions > 0
      ? [`  Resumed                  ${cloud.resumedExecutions} saga(s) interrupted by the last stop, re-driven from the start`]
      : []),
    '',
    'Try it:',
    `  curl -s -X POST ${api}/orders \\`,
    `    -H 'content-type: application/json' -H 'x-idempotency-key: my-first-order' \\`,
    `    -d '{"customerId":"customer-123","items":[{"productId":"laptop","quantity":1,"price":1299.99}]}'`,
    `  ./test-api.sh ${api}`,
    // Projected, the AWS CLI lines (170 columns) would wrap into noise: the guide has them.
    ...(args.projector
      ? ['  AWS CLI examples: docs/local-cloud.md (talking to it with the AWS CLI)']
      : [
          awsCli(`dynamodb scan --endpoint-url ${dynamodb} --table-name ${tableNameOf(cloud.config, 'OrdersTable')}`, cloud.config.region),
          ...(machine ? [awsCli(`stepfunctions list-executions --endpoint-url ${sfn} --state-machine-arn ${machine}`, cloud.config.region)] : []),
        ]),
    '',
    `One line per hop follows${args.verbose ? '' : " (--verbose adds the handlers' JSON logs)"}. Ctrl-C stops everything.`,
    '',
  ];
  // Projected, nothing may run off the screen: long lines continue under the value column.
  if (!args.projector) return lines.join('\n');
  return lines.flatMap(fitProjector).join('\n');
}

/** A banner line in 100 columns: what does not fit continues under the value column (27). */
function fitProjector(line: string): string[] {
  if ([...line].length <= PROJECTOR_COLUMNS) return [line];
  const [first] = wrap(line, PROJECTOR_COLUMNS);
  const indent = ' '.repeat(27);
  return [first, ...wrap(line.slice(first.length).trimStart(), PROJECTOR_COLUMNS - indent.length).map((part) => `${indent}${part}`)];
}

async function explain(error: unknown, verbose: boolean, args?: StartArgs): Promise<{ message: string; exitCode: number }> {
  if (error instanceof UsageError) return { message: `${error.message}\n  See the options: npm start -- --help`, exitCode: 2 };
  if (error instanceof PortInUseError) {
    const flag =
      error.what === 'the API'
        ? 'api-port'
        : error.what === 'DynamoDB Local'
          ? 'dynamodb-port'
          : error.what === 'the dashboard'
            ? 'dashboard-port'
            : 'sfn-port';
    // Suggest a port that is free now and that this same command does not also want.
    const taken = args ? [args.apiPort, args.sfnPort, args.dynamodbPort, ...(args.dashboardPort === undefined ? [] : [args.dashboardPort])] : [];
    const suggestion = await nextFreePort(error.port + 1, taken);
    const retry = suggestion === undefined ? '' : `\n  Or run:   npm start -- --${flag} ${suggestion}`;
    return { message: `${error.message}\n  Find it:  lsof -i :${error.port}${retry}`, exitCode: 1 };
  }
  if (error instanceof JavaMissingError) return { message: error.message, exitCode: 1 };
  if (error instanceof ServerlessConfigError) {
    return { message: `${error.message}\n  Fix the file and run npm start again: it is the single source of truth for AWS and the local cloud.`, exitCode: 1 };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return { message: verbose && err.stack ? err.stack : `${err.message}\n  (npm start -- --verbose shows the stack trace)`, exitCode: 1 };
}

async function main(): Promise<void> {
  let args: StartArgs;
  try {
    args = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    const { message, exitCode } = await explain(error, false);
    console.error(`npm start: ${message}`);
    process.exit(exitCode);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }

  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  let cloud: LocalCloud | undefined;
  let declared: Record<string, string> | undefined;
  const log = new HopLog({
    write: (line) => process.stdout.write(`${line}\n`),
    color,
    projector: args.projector,
    // Read live: the dashboard's fault switches change FAULT_INJECTION while this runs.
    demoSettings: () => {
      if (!cloud) return undefined;
      declared ??= functionEnvironment(cloud.config);
      return demoSettingsReminder(process.env, declared);
    },
    // With --persist the hop log remembers created orders across restarts: a retry after a crash is a replay.
    knownOrders: new KnownOrders(10_000, args.persistDir ? path.join(path.resolve(args.persistDir), 'hop-log-orders.txt') : undefined),
  });
  let dashboard: Dashboard | undefined;
  /** When the first stop signal arrived (0: none yet). */
  let stopRequestedAt = 0;

  async function stop(exitCode: number): Promise<void> {
    console.log(`\nStopping the local cloud… (running sagas get ${(args.drainMs / 1000).toFixed(0)} s to finish; Ctrl-C again to stop now)`);
    await dashboard?.close();
    await cloud?.stop();
    console.log('Stopped: API, Step Functions, stream poller and DynamoDB Local are down.');
    process.exit(exitCode);
  }
  const onSignal = () => {
    if (stopRequestedAt !== 0) {
      // Ctrl-C reaches this process twice (from the terminal, and relayed by npm): only a
      // later one means "stop waiting". Even then, never leave Java behind.
      if (Date.now() - stopRequestedAt < 1000) return;
      cloud?.killEngine();
      process.exit(130);
    }
    stopRequestedAt = Date.now();
    // Still starting: main() stops as soon as there is something to stop.
    if (cloud) void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Whatever happens, the Java process must not outlive this one.
  process.on('exit', () => cloud?.killEngine());
  process.on('uncaughtException', (error) => {
    console.error(`npm start: unexpected error, stopping: ${args.verbose ? error.stack : error.message}`);
    stopRequestedAt ||= Date.now();
    void stop(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.info(`warning: unhandled promise rejection: ${reason instanceof Error ? reason.message : String(reason)}`, 'warn');
  });

  // --lab N: the lab's files answer for their paths in solution/src, for every require (scripts/labs/code-overlay.js).
  if (args.codeRoot) installCodeOverlay(args.codeRoot);
  console.log(`Starting the local cloud from ${relative(args.configFile)}${args.lab ? ` with your lab ${args.lab.id} code` : ''}…`);
  const started = Date.now();
  // --fault-injection / --payment-decline-above (or their variables), checked by parseStartArgs.
  const environment = {
    ...Object.fromEntries(RECONCILER_ENVIRONMENT.flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : []))),
    ...demoEnvironment(args.demo),
  };
  try {
    if (args.dashboardPort !== undefined) await assertPortFree(args.dashboardPort, 'the dashboard');
    cloud = await startLocalCloud({
      configFile: args.configFile,
      stage: args.stage,
      apiPort: args.apiPort,
      sfnPort: args.sfnPort,
      dynamodbPort: args.dynamodbPort,
      ...(args.dynamodbEndpoint ? { dynamodbEndpoint: args.dynamodbEndpoint } : {}),
      persistDir: args.persistDir,
      stateDir: DEFAULT_STATE_DIR,
      ...(args.codeRoot ? { codeRoot: args.codeRoot, failOnUnfinishedTodo: true } : {}),
      stateMachineRetryWaitMs: args.retryWaitMs,
      scheduleIntervalMs: args.scheduleIntervalMs,
      drainTimeoutMs: args.drainMs,
      verbose: args.verbose,
      environment,
      log,
    });
    if (args.dashboardPort !== undefined) dashboard = await startDashboard(cloud, { port: args.dashboardPort });
  } catch (error) {
    await cloud?.stop();
    // Ctrl-C during start-up also stops DynamoDB Local (same terminal): that is no error to explain.
    if (stopRequestedAt !== 0) process.exit(130);
    const { message, exitCode } = await explain(error, args.verbose, args);
    console.error(`npm start: ${message}`);
    process.exit(exitCode);
  }
  if (stopRequestedAt !== 0) return stop(0);
  console.log(banner(cloud, dashboard, args, ((Date.now() - started) / 1000).toFixed(1), color));
  log.demoSettingsShown();
}

void main();
