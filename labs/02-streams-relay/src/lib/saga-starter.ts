import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requireEnv } from './config';
import { traced } from './observability';
import type { SagaInput } from './order-model';
import { NotImplementedError } from './not-implemented'; // lab starter only

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
  // TODO lab 2, step 1: start the saga at most once per outbox event.
  //   - The execution name must be deterministic: the same event always gives
  //     the same name. Use input.eventId (never a timestamp or a random id).
  //   - Send a StartExecutionCommand through sfn(): stateMachineArn from
  //     requireEnv('STATE_MACHINE_ARN'), that name, and the input as JSON.
  //     Return { outcome: 'STARTED', executionName }.
  //   - A second start with the same name fails with an error whose name is
  //     'ExecutionAlreadyExists'. That is success for us: return
  //     { outcome: 'ALREADY_STARTED', executionName }. Re-throw anything else.
  throw new NotImplementedError('lab 2, step 1 — start the saga at most once per outbox event');
  // END TODO lab 2, step 1
}
