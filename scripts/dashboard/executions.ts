import type { HistoryEvent, LocalExecution, LocalStepFunctions } from '../local-cloud/step-functions';
import type { ExecutionVerdict, ExecutionView, StateRunView } from './shared/model';

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
      const run: MutableRun = {
        name: String(entered.name),
        type: event.type.slice(0, -'StateEntered'.length),
        status: 'running',
        retries: 0,
        input: text(entered.input),
        enteredAt: event.timestamp,
      };
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

function parsed(json: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(json ?? '') as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The saga's result: its output's `outcome` (`COMPLETED`, `FAILED` with a reason, `ALREADY_FINISHED`). */
function outcomeOf(output: string | undefined): ExecutionView['outcome'] {
  const outcome = parsed(output).outcome as { status?: unknown; reason?: unknown } | undefined;
  if (typeof outcome?.status !== 'string') return undefined;
  return { status: outcome.status, reason: typeof outcome.reason === 'string' ? outcome.reason : undefined };
}

/** The error of the saga's only Fail state: a step that must not give up ran out of retries. */
export const NEEDS_ATTENTION_ERROR = 'OrderNeedsAttention';

export function verdictOf(status: string, outcome: ExecutionView['outcome'], error: string | undefined): ExecutionVerdict {
  if (status === 'RUNNING') return 'running';
  if (status === 'SUCCEEDED')
    return outcome?.status === 'FAILED' ? 'business-failure' : outcome?.status === 'ALREADY_FINISHED' ? 'already-finished' : 'completed';
  if (status === 'FAILED') return error === NEEDS_ATTENTION_ERROR ? 'needs-attention' : 'failed';
  return 'stopped';
}

export function executionView(execution: LocalExecution): ExecutionView {
  const outcome = outcomeOf(execution.output);
  const orderId = parsed(execution.input).orderId;
  return {
    name: execution.name,
    orderId: typeof orderId === 'string' ? orderId : undefined,
    status: execution.status,
    verdict: verdictOf(execution.status, outcome, execution.error),
    outcome,
    startDate: execution.startDate.toISOString(),
    stopDate: execution.stopDate?.toISOString(),
    error: execution.error,
    cause: execution.cause,
    redriveCount: execution.redriveCount,
    states: stateRuns(execution.history),
  };
}

/**
 * The newest executions with their histories. ListExecutions answers without
 * histories (as on AWS), so each one is described; a finished execution's
 * view is kept until it changes (a re-drive), so a store on disk (--persist)
 * is not re-read on every update. That store is also why executions from
 * before a restart still show their graphs.
 */
export class ExecutionViews {
  private readonly finished = new Map<string, { stamp: string; view: ExecutionView }>();

  constructor(private readonly stepFunctions: Pick<LocalStepFunctions, 'listExecutions' | 'describeExecution'>) {}

  newest(stateMachineArns: readonly string[], max: number): ExecutionView[] {
    const listed = stateMachineArns
      .flatMap((arn) => this.stepFunctions.listExecutions(arn, { maxResults: max }).items)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .slice(0, max);
    const views: ExecutionView[] = [];
    const kept = new Map<string, { stamp: string; view: ExecutionView }>();
    for (const summary of listed) {
      const stamp = `${summary.status}|${summary.stopDate?.getTime()}|${summary.redriveCount}`;
      const cached = this.finished.get(summary.executionArn);
      if (cached?.stamp === stamp) {
        views.push(cached.view);
        kept.set(summary.executionArn, cached);
        continue;
      }
      let view: ExecutionView;
      try {
        view = executionView(this.stepFunctions.describeExecution(summary.executionArn));
      } catch {
        // Dropped from the bounded in-memory store between the two calls: shown without its history.
        view = executionView(summary);
      }
      views.push(view);
      if (view.status !== 'RUNNING') kept.set(summary.executionArn, { stamp, view });
    }
    this.finished.clear();
    for (const [arn, entry] of kept) this.finished.set(arn, entry);
    return views;
  }
}
