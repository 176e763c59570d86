import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { locate, overlaySrc } from '../labs/code-overlay';
import { collectTodos, trackUnfinishedTodos } from './lab-todos';
import { SOLUTION_DIR, type FunctionConfig, type ServiceConfig } from './serverless-config';

/**
 * Runs the real handlers in this process, the way the Lambda runtime would:
 * same module and export named in serverless.yml, a Context with a deadline,
 * and errors reported as Lambda reports them to Step Functions (the error's
 * name as `Error`, a JSON `Cause` with errorType and errorMessage).
 */
export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
  }
}

export interface LocalLambdaOptions {
  /**
   * solution/ (the default) or a lab folder: a module the lab has under src/
   * runs instead of solution/src's (the labs' rule, scripts/labs/code-overlay.js).
   * For the modules the handlers import, the caller installs the same rule in
   * its module loader: jest's resolver, or installCodeOverlay under Node.
   */
  readonly codeRoot?: string;
  /**
   * Lab mode (npm start -- --lab N): an invocation that reached an unfinished
   * TODO fails with NotImplementedError, and an HTTP function answers 501
   * naming the lab and step, whatever the handler did with the error.
   */
  readonly failOnUnfinishedTodo?: boolean;
}

/** The proxy result an HTTP function gives in lab mode when it reached an unfinished TODO. */
export function notImplementedResponse(todo: Error): { statusCode: number; headers: Record<string, string>; body: string } {
  return { statusCode: 501, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'NotImplemented', message: todo.message }) };
}

export class LocalLambdaRuntime {
  private readonly handlers = new Map<string, Handler>();
  readonly codeRoot: string;

  constructor(
    private readonly config: ServiceConfig,
    private readonly options: LocalLambdaOptions = {},
  ) {
    this.codeRoot = options.codeRoot ?? SOLUTION_DIR;
    if (options.failOnUnfinishedTodo) trackUnfinishedTodos();
  }

  functionConfig(name: string): FunctionConfig {
    const fn = this.config.functions[name];
    if (!fn) throw new Error(`No function named ${name} in serverless.yml (known: ${Object.keys(this.config.functions).join(', ')})`);
    return fn;
  }

  handler(name: string): Handler {
    let handler = this.handlers.get(name);
    if (!handler) {
      const { handler: spec } = this.functionConfig(name);
      const dot = spec.lastIndexOf('.');
      // serverless.yml names handlers relative to solution/ (src/handlers/x.handler): the lab's copy wins.
      const relative = path.relative(path.join(SOLUTION_DIR, 'src'), path.join(SOLUTION_DIR, spec.slice(0, dot)));
      const modulePath = (!relative.startsWith('..') && locate(relative, overlaySrc(this.codeRoot))) || path.join(this.codeRoot, spec.slice(0, dot));
      const exportName = spec.slice(dot + 1);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(modulePath) as Record<string, unknown>;
      const candidate = loaded[exportName];
      if (typeof candidate !== 'function') throw new Error(`${modulePath} does not export a function named ${exportName}`);
      handler = candidate as Handler;
      this.handlers.set(name, handler);
    }
    return handler;
  }

  /**
   * Lambda's UpdateFunctionConfiguration for environment variables: later
   * invocations see the new values. Local functions share this process's
   * environment (serverless.yml declares it once, provider-wide), so the
   * change reaches every function, as a provider-level change would on AWS.
   */
  updateEnvironment(variables: Readonly<Record<string, string>>): void {
    Object.assign(process.env, variables);
  }

  /** Invokes a function; resolves with its result or rejects with a LambdaFunctionError. */
  async invoke(name: string, event: unknown): Promise<unknown> {
    const fn = this.functionConfig(name);
    const timeoutMs = fn.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context = lambdaContext(`${this.config.service}-${this.config.stage}-${name}`, deadline, this.config.region);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${fn.timeoutSeconds} seconds`)), timeoutMs);
    });
    const todos: Error[] = [];
    try {
      // JSON round trips mirror the wire: a handler sees plain JSON and its result must be JSON.
      const input = JSON.parse(JSON.stringify(event ?? {}));
      // collectTodos enters its AsyncLocalStorage only in lab mode (lab-todos.ts): elsewhere it costs nothing.
      const result = await Promise.race([collectTodos(todos, async () => this.handler(name)(input, context)), timeout]);
      if (this.options.failOnUnfinishedTodo && todos.length > 0) return this.unfinished(fn, todos[0]);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      if (this.options.failOnUnfinishedTodo && todos.length > 0) return this.unfinished(fn, todos[0]);
      if (error instanceof LambdaFunctionError) throw error;
      const err = error instanceof Error ? error : new Error(String(error));
      throw new LambdaFunctionError(err.name || 'Error', withRecordErrors(err));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Lab mode: the invocation reached an unfinished TODO, so it fails, naming the TODO (never a silent success). */
  private unfinished(fn: FunctionConfig, todo: Error): unknown {
    if (fn.httpEvents.length > 0) return notImplementedResponse(todo);
    throw new LambdaFunctionError('NotImplementedError', todo.message);
  }
}

/**
 * Powertools' FullBatchFailureError says "See individual errors below": on
 * Lambda, the runtime's log of the error prints its `recordErrors`. Locally
 * they follow its message, one line each, for the hop log to show.
 */
function withRecordErrors(error: Error): string {
  const records = (error as { recordErrors?: unknown }).recordErrors;
  if (!Array.isArray(records) || records.length === 0) return error.message;
  return [error.message, ...records.map((e, i) => `record ${i + 1}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)].join('\n');
}

export function lambdaContext(functionName: string, deadline: number, region = 'us-east-1'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
