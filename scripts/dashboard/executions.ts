import type { HistoryEvent, LocalExecution } from '../local-cloud/step-functions';
import type { ExecutionView, StateRunView } from './shared/model';

/**
 * An execution's history (the GetExecutionHistory events) folded into one
 * entry per pass through a state, as the Step Functions console shows it:
 * input, output, error and duration, how many retries it took, and whether
 * the error was caught (the compensation starts there) or ended the run.
 */
interface MutableRun {
  name: string;
  type: string;
  status: StateRunView['status'];
  retries: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  enteredAt: Date;
  durationMs?: number;
}

const details = (event: HistoryEvent, key: string) => (event[key] ?? {}) as Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A Lambda error's Cause is JSON ({"errorType","errorMessage"}): show the message. */
function readableCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: shown as it is.
  }
  return cause;
}

export function stateRuns(history: readonly HistoryEvent[]): StateRunView[] {
  const runs: MutableRun[] = [];
  const open = new Map<string, MutableRun>();
  for (const event of history) {
    if (event.type.endsWith('StateEntered')) {
      const entered = details(event, 'stateEnteredEventDetails');
      const run: MutableRun = { name: String(entered.name), type: event.type.slice(0, -'StateEntered'.length), status: 'running', retries: 0, input: text(entered.input), enteredAt: event.timestamp };
      runs.push(run);
      open.set(run.name, run);
    } else if (event.type.endsWith('StateExited')) {
      const exited = details(event, 'stateExitedEventDetails');
      const run = open.get(String(exited.name));
      if (!run) continue;
      run.output = text(exited.output);
      if (run.status === 'running') run.status = run.type === 'Fail' ? 'failed' : 'succeeded';
      run.durationMs = event.timestamp.getTime() - run.enteredAt.getTime();
      open.delete(run.name);
    } else if (event.type === 'TaskFailed') {
      const failed = details(event, 'taskFailedEventDetails');
      const run = open.get(String(failed.resource));
      if (!run) continue;
      run.error = text(failed.error);
      run.cause = readableCause(text(failed.cause));
      run.status = 'failed';
    } else if (event.type === 'TaskStateRetried') {
      const run = open.get(String(details(event, 'stateRetriedEventDetails').name));
      if (!run) continue;
      run.retries += 1;
      // A retry is a new attempt: the state is running again.
      run.status = 'running';
    } else if (event.type === 'TaskStateCaught') {
      const run = open.get(String(details(event, 'stateCaughtEventDetails').name));
      if (!run) continue;
      run.status = 'caught';
      run.durationMs = event.timestamp.getTime() - run.enteredAt.getTime();
      open.delete(run.name);
    } else if (event.type === 'ExecutionFailed') {
      // A Fail state (or an uncaught error) ends the run: whatever is still open failed with it.
      const failed = details(event, 'executionFailedEventDetails');
      for (const run of open.values()) {
        run.status = 'failed';
        run.error ??= text(failed.error);
        run.cause ??= readableCause(text(failed.cause));
        run.durationMs = event.timestamp.getTime() - run.enteredAt.getTime();
      }
      open.clear();
    }
  }
  return runs.map((run) => ({ ...run, enteredAt: run.enteredAt.toISOString() }));
}

function orderIdOf(input: string): string | undefined {
  try {
    const parsed = JSON.parse(input) as { orderId?: unknown };
    return typeof parsed.orderId === 'string' ? parsed.orderId : undefined;
  } catch {
    return undefined;
  }
}

export function executionView(execution: LocalExecution): ExecutionView {
  return {
    name: execution.name,
    orderId: orderIdOf(execution.input),
    status: execution.status,
    startDate: execution.startDate.toISOString(),
    stopDate: execution.stopDate?.toISOString(),
    error: execution.error,
    states: stateRuns(execution.history),
  };
}
