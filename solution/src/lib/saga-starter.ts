import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requireEnv } from './config';
import { traced } from './observability';
import type { SagaInput } from './order-model';

let client: SFNClient | undefined;

function sfn(): SFNClient {
  // Traced: the X-Ray header on StartExecution joins the saga to this trace.
  client ??= traced(new SFNClient({}));
  return client;
}

export type StartOutcome = 'STARTED' | 'ALREADY_STARTED';

/**
 * Starts the order saga for one outbox event, at most once however often the
 * event is delivered. The execution name IS the event id: a STANDARD state
 * machine refuses a second execution with the same name (for 90 days), so a
 * redelivered stream record cannot start a second saga.
 */
export async function startSaga(input: SagaInput): Promise<{ outcome: StartOutcome; executionName: string }> {
  const executionName = input.eventId;
  try {
    await sfn().send(new StartExecutionCommand({ stateMachineArn: requireEnv('STATE_MACHINE_ARN'), name: executionName, input: JSON.stringify(input) }));
    return { outcome: 'STARTED', executionName };
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return { outcome: 'ALREADY_STARTED', executionName };
    throw error;
  }
}
