import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { BenchContext } from './context';
import { request } from './http';
import { lastLines, spawnGroup, stopGroup } from './processes';
import { freeStartPorts, startPortArgs } from '../local-cloud/own-ports';

/** `npm start` running on ports of its own, as the bench sees it. */
export interface RunningCloud {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  /** From spawning `npm start` to the first answer of the API. */
  readonly readySeconds: number;
  stop(): Promise<void>;
}

export class CloudStartError extends Error {
  constructor(message: string, output: string) {
    super(`${message}${output.trim() ? `\n${lastLines(output, 15)}` : ''}`);
    this.name = 'CloudStartError';
  }
}

/**
 * Starts `npm start` on free ephemeral ports and resolves once the API
 * answers any HTTP request. The API is the last thing the local cloud starts
 * (after DynamoDB Local, the tables, Step Functions and the stream poller),
 * so its first answer means ready, without depending on the banner's wording.
 */
export async function startCloud(context: BenchContext, options: { persistDir?: string; timeoutMs?: number } = {}): Promise<RunningCloud> {
  // Every port free, the dashboard's too: it runs as it does for a learner (3001 may be in use).
  const ports = await freeStartPorts();
  const args = ['start', '--', ...startPortArgs(ports)];
  if (options.persistDir) args.push('--persist', options.persistDir);
  const started = process.hrtime.bigint();
  const child = spawnGroup('npm', args, { cwd: context.root });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const probe = `${apiUrl}/orders/${randomUUID()}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (exitCode !== undefined) throw new CloudStartError(`npm start exited (status ${exitCode}) before its API answered`, output);
    try {
      await request(probe, { timeoutMs: 2000 });
      break; // any answer, even 404, means the API is listening and everything behind it is up
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopGroup(child);
      throw new CloudStartError(`npm start's API did not answer within ${options.timeoutMs ?? 120_000} ms`, output);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const readySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { child, apiUrl, dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`, readySeconds, stop: () => stopGroup(child, 10_000) };
}
