import type { Tone } from './hop-log-style';
import type { HistoryEvent, LocalExecution } from './step-functions';

/**
 * How the hop log reads a saga's history: the line at its end says the
 * order's real status (loud when a person must act), from the history and
 * the order itself. Split from hop-log.ts to keep each file to one job.
 */
export interface OrderView {
  readonly status: string;
  readonly failureReason?: string;
  /** Set by the saga's FlagNeedsAttention or the reconciler: a person may have to act. */
  readonly needsAttention?: boolean;
}

export function parseJson(text: string | undefined): any {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const shorten = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A Lambda error cause (`{"errorType":…,"errorMessage":…}`) in one line. */
export function describeCause(error: unknown, cause: unknown): string {
  const parsed = typeof cause === 'string' ? parseJson(cause) : undefined;
  if (parsed && typeof parsed.errorMessage === 'string') return `${parsed.errorType ?? error}: ${parsed.errorMessage}`;
  return `${String(error ?? 'Error')}${cause ? `: ${String(cause)}` : ''}`;
}

/** What the saga's end means for the order, in one line: its real status, loud when a person must act. */
export function describeOutcome(execution: LocalExecution, event: HistoryEvent, order: OrderView | undefined): { message: string; tone: Tone } {
  const failedBy = event.type === 'ExecutionFailed' ? unfinishedState(execution) : undefined;
  const outcome = event.type === 'ExecutionSucceeded' ? parseJson(execution.output)?.outcome : undefined;
  const reason = shorten(outcome?.reason ?? order?.failureReason ?? failureReason(execution) ?? describeCause(execution.error, execution.cause));
  const status = order?.status;
  // The saga's NeedsAttention Fail state, the order's flag, or a Task that gave up with the order
  // not terminal: a person (or the reconciler) must act, so this line must never read as "done".
  if (execution.error === 'OrderNeedsAttention' || order?.needsAttention || (failedBy && status !== 'FAILED' && status !== 'COMPLETED')) {
    const where = failedBy ? `${failedBy} ran out of retries` : 'a step that must not give up ran out of retries';
    return {
      message: `‼ order NEEDS ATTENTION${status ? ` (status ${status})` : ''}: ${where}: ${reason}. It may still be charged or hold stock; the reconciler keeps trying`,
      tone: 'bad',
    };
  }
  if (event.type === 'ExecutionSucceeded') {
    // A business failure SUCCEEDS with outcome FAILED (solution/serverless.yml); a replay with ALREADY_FINISHED.
    if (outcome?.status === 'FAILED') return { message: `✘ order FAILED: ${reason} (compensations ran)`, tone: 'bad' };
    if (outcome?.status === 'ALREADY_FINISHED') return { message: `order already ${status ?? 'finished'}: this run changed nothing`, tone: 'dim' };
    return status === undefined || status === 'COMPLETED'
      ? { message: '✔ order COMPLETED', tone: 'good' }
      : { message: `saga ended; order status ${status}`, tone: 'warn' };
  }
  return { message: `✘ execution FAILED: ${reason}${status ? `; the order is ${status}` : ''}`, tone: 'bad' };
}

/** The Task whose failure ended the execution (not a Fail state reached by design), if any. */
function unfinishedState(execution: LocalExecution): string | undefined {
  for (const event of [...execution.history].reverse()) {
    if (event.type === 'FailStateEntered') return undefined;
    if (event.type === 'TaskFailed') {
      const state = String((event as Record<string, any>).taskFailedEventDetails?.resource);
      if (lastEnteredType(execution, state) === 'FailStateEntered') return undefined;
      return state;
    }
  }
  return undefined;
}

export function previousEvent(execution: LocalExecution, event: HistoryEvent): HistoryEvent | undefined {
  const index = execution.history.indexOf(event);
  return index > 0 ? execution.history[index - 1] : undefined;
}

export function lastEnteredType(execution: LocalExecution, stateName: string): string | undefined {
  for (const event of [...execution.history].reverse()) {
    if ((event as Record<string, any>).stateEnteredEventDetails?.name === stateName) return event.type;
  }
  return undefined;
}

/** The reason the compensation recorded (MarkOrderFailed's output), if the saga got that far. */
function failureReason(execution: LocalExecution): string | undefined {
  for (const event of [...execution.history].reverse()) {
    const output = parseJson((event as Record<string, any>).stateExitedEventDetails?.output);
    const reason = output?.failure?.reason ?? output?.compensation?.reason;
    if (typeof reason === 'string') return reason;
  }
  return undefined;
}
