import type { StateMachine } from 'aws-local-stepfunctions';

/** aws-local-stepfunctions does not export its event type; derive it from run(). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** One history event, in the shape GetExecutionHistory returns. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));

/** Maps aws-local-stepfunctions' event log to the Step Functions history event shapes. */
export function toHistoryEvent(event: EventLog, id: number): HistoryEvent {
  const base = { id, previousEventId: id - 1, timestamp: new Date(event.timestamp) };
  switch (event.type) {
    case 'ExecutionStarted':
      return { ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: json(event.input) } };
    case 'ExecutionSucceeded':
      return { ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(event.output) } };
    case 'ExecutionFailed':
      return {
        ...base,
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : json(event.Cause) },
      };
    case 'ExecutionAborted':
      return { ...base, type: 'ExecutionAborted' };
    case 'ExecutionTimeout':
      return { ...base, type: 'ExecutionTimedOut' };
    case 'StateEntered':
      return { ...base, type: `${event.state.type}StateEntered`, stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input) } };
    case 'StateExited':
      return { ...base, type: `${event.state.type}StateExited`, stateExitedEventDetails: { name: event.state.name, output: json(event.state.output) } };
    case 'StateFailed':
      return {
        ...base,
        type: 'TaskFailed',
        taskFailedEventDetails: { resource: event.state.name, error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : json(event.Cause) },
      };
    case 'StateRetried':
      return { ...base, type: 'TaskStateRetried', stateRetriedEventDetails: { name: event.state.name, attempt: event.retry.attempt } };
    case 'StateCaught':
      return { ...base, type: 'TaskStateCaught', stateCaughtEventDetails: { name: event.state.name, next: event.catch.catcher.Next } };
    default:
      return { ...base, type: event.type };
  }
}
