import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { externalDynamoDbEndpoint } from '../local-cloud/dynamodb-endpoint';
import { startDynamoDbLocal } from '../local-cloud/dynamodb-local';
import { loadServiceConfig } from '../local-cloud/serverless-config';
import { type EngineStatus, backgroundEngineStatus } from '../labs/background-engine';

/**
 * The doctor's checks that need the installed packages (run after `npm ci`
 * by scripts/doctor.cjs through installed.ts). The checks that must work on
 * a fresh clone live in basic-checks.cjs, in plain Node.js.
 */
export type Outcome = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly outcome: Outcome;
  readonly title: string;
  /** What to do about it (for warn and fail). */
  readonly fix?: string;
}

export function checkServerlessYml(): CheckResult {
  try {
    const config = loadServiceConfig();
    return {
      outcome: 'ok',
      title: `solution/serverless.yml: ${config.tables.length} tables, ${Object.keys(config.functions).length} functions, ${config.stateMachines.length} state machine(s)`,
    };
  } catch (error) {
    return { outcome: 'fail', title: 'solution/serverless.yml cannot be read', fix: (error as Error).message };
  }
}

/** An engine the learner runs (the Docker route) must answer; otherwise one is started and stopped. */
export async function checkDynamoDbLocal(env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  let external: string | undefined;
  try {
    external = externalDynamoDbEndpoint(env);
  } catch (error) {
    return [{ outcome: 'fail', title: 'SDP_DYNAMODB_ENDPOINT is not a usable URL', fix: (error as Error).message }];
  }
  if (external) {
    const client = new DynamoDBClient({
      endpoint: external,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      await client.send(new ListTablesCommand({}));
      return [{ outcome: 'ok', title: `DynamoDB Local at ${external} answers (${seconds()} s)` }];
    } catch (error) {
      return [
        {
          outcome: 'fail',
          title: `DynamoDB Local at ${external} does not answer`,
          fix: `Is the Docker container running? (${(error as Error).message.split('\n')[0]})`,
        },
      ];
    } finally {
      client.destroy();
    }
  }
  try {
    const engine = await startDynamoDbLocal();
    await engine.stop();
    const results: CheckResult[] = [{ outcome: 'ok', title: `DynamoDB Local starts and answers (${seconds()} s)` }];
    if (engine.exposureWarning) results.push({ outcome: 'warn', title: 'DynamoDB Local would be reachable from other machines', fix: engine.exposureWarning });
    else results.push({ outcome: 'ok', title: 'DynamoDB Local listens on 127.0.0.1 only' });
    return results;
  } catch (error) {
    return [{ outcome: 'fail', title: 'DynamoDB Local did not start', fix: (error as Error).message.split('\n').slice(0, 4).join(' ') }];
  }
}

/** check:lab's background DynamoDB Local (scripts/labs/background-engine.ts): shown so nothing runs unseen. */
export function checkBackgroundEngine(read: () => EngineStatus | undefined = () => backgroundEngineStatus()): CheckResult {
  const status = read();
  if (!status) return { outcome: 'ok', title: 'No background DynamoDB Local running (check:lab starts one on its next run)' };
  const minutes = (ms: number) => `${Math.max(0, Math.round(ms / 60_000))} min`;
  const { state } = status;
  if (!status.running) {
    return {
      outcome: 'warn',
      title: `A background DynamoDB Local was recorded (pid ${state.enginePid}, port ${state.port}) but no longer runs`,
      fix: 'Nothing to do: the next check starts a fresh one (`npm run engine:stop` clears the record).',
    };
  }
  return {
    outcome: 'ok',
    title: `Background DynamoDB Local for check:lab: pid ${state.enginePid}, port ${state.port} (127.0.0.1), up ${minutes(status.ageMs)}, idle ${minutes(status.idleForMs)} of ${minutes(state.idleMs)}; stop it with npm run engine:stop`,
  };
}
