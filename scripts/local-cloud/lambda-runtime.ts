import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Context } from 'aws-lambda';
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
  /** The folder whose `src/` holds the handlers: solution/ or a lab folder. */
  readonly codeRoot?: string;
}

export class LocalLambdaRuntime {
  private readonly handlers = new Map<string, Handler>();
  readonly codeRoot: string;

  constructor(
    private readonly config: ServiceConfig,
    options: LocalLambdaOptions = {},
  ) {
    this.codeRoot = options.codeRoot ?? SOLUTION_DIR;
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
      const modulePath = path.join(this.codeRoot, spec.slice(0, dot));
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
    try {
      // JSON round trips mirror the wire: a handler sees plain JSON and its result must be JSON.
      const input = JSON.parse(JSON.stringify(event ?? {}));
      const result = await Promise.race([this.handler(name)(input, context), timeout]);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      if (error instanceof LambdaFunctionError) throw error;
      const err = error instanceof Error ? error : new Error(String(error));
      throw new LambdaFunctionError(err.name || 'Error', err.message);
    } finally {
      clearTimeout(timer);
    }
  }
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
