import { formatCents } from './demo-settings';
import type { HistoryEvent, LocalExecution } from './step-functions';
import type { PublishedEvent } from './state-machine';

/**
 * What the hop log reads out of a hop, beyond "succeeded": what a
 * compensation undid, each record's error in a failed stream batch, and the
 * order events put on the bus. A demo is only convincing when the screen says
 * what happened ("refunded 1,299.99"), not only that something did.
 */
function parseJson(text: unknown): any {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function itemsText(items: unknown): string | undefined {
  if (!Array.isArray(items) || items.length === 0) return undefined;
  return items
    .map((item) => {
      const quantity = Number(item?.quantity);
      const product = String(item?.productId ?? '?');
      return quantity === 1 ? `1 ${product}` : `${quantity} × ${product}`;
    })
    .join(', ');
}

/** One compensation result (refundPayment's or releaseInventory's output) in words; undefined for any other result. */
export function describeUndo(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const { outcome, amountCents, items } = result as { outcome?: unknown; amountCents?: unknown; items?: unknown };
  const amount = typeof amountCents === 'number' ? formatCents(amountCents) : '?';
  switch (outcome) {
    case 'REFUNDED':
      return `refunded ${amount}`;
    case 'ALREADY_REFUNDED':
      return `${amount} was already refunded (an earlier run): nothing to do`;
    case 'NOTHING_TO_REFUND':
      return 'nothing was charged: nothing to refund';
    case 'RELEASED':
      return `returned ${itemsText(items) ?? 'the reserved stock'} to stock`;
    case 'ALREADY_RELEASED':
      return `stock was already returned (an earlier run): nothing to do`;
    case 'NOTHING_RESERVED':
      return 'nothing was reserved: no stock to return';
    default:
      return undefined;
  }
}

/**
 * What a Task state's own result said, read from the execution history: the
 * value its ResultPath added to the state's output (the exited output minus
 * the entered input), so no state or field name is assumed here.
 */
export function undoneBy(execution: LocalExecution, exited: HistoryEvent): string | undefined {
  const details = exited as Record<string, any>;
  const name = details.stateExitedEventDetails?.name;
  const output = parseJson(details.stateExitedEventDetails?.output);
  if (!name || output === null || typeof output !== 'object') return undefined;
  const index = execution.history.indexOf(exited);
  let input: Record<string, unknown> = {};
  for (let i = index - 1; i >= 0; i--) {
    const entered = execution.history[i] as Record<string, any>;
    if (entered.type === 'TaskStateEntered' && entered.stateEnteredEventDetails?.name === name) {
      input = parseJson(entered.stateEnteredEventDetails.input) ?? {};
      break;
    }
  }
  for (const [key, value] of Object.entries(output)) {
    if (JSON.stringify(input[key]) === JSON.stringify(value)) continue;
    const words = describeUndo(value);
    if (words) return words;
  }
  return undefined;
}

/**
 * Powertools' "All records failed processing. See individual errors below."
 * is followed, in Lambda's log, by each record's error; the local runtime
 * puts them on the following lines of the message (lambda-runtime.ts).
 */
export function splitRecordErrors(errorMessage: string): { headline: string; recordErrors: string[] } {
  const [headline, ...rest] = errorMessage.split('\n');
  return { headline, recordErrors: rest.map((line) => line.trim()).filter((line) => line !== '') };
}

export interface PublishedLine {
  readonly orderId?: string;
  readonly message: string;
  readonly loud: boolean;
}

/** An event put on the bus, in one line: loud when it asks a person to act. */
export function describePublished(entry: PublishedEvent): PublishedLine {
  const detail = parseJson(entry.Detail) ?? {};
  const orderId = typeof detail.orderId === 'string' ? detail.orderId : undefined;
  const bus = entry.EventBusName;
  switch (entry.DetailType) {
    case 'OrderNeedsAttention': {
      // The reconciler says why (status, visit); the saga names the error that ran out of retries.
      const by = detail.detectedBy ? ` by the ${detail.detectedBy}` : '';
      const visit = typeof detail.attempts === 'number' ? `, visit ${detail.attempts}` : '';
      const why = detail.reason ?? detail.error;
      return { orderId, message: `‼ OrderNeedsAttention published${by}${visit}${why ? `: ${why}` : ''}. A person must act`, loud: true };
    }
    case 'OrderCompleted':
      return {
        orderId,
        message: `OrderCompleted published to ${bus}${typeof detail.totalCents === 'number' ? ` (total ${formatCents(detail.totalCents)})` : ''}`,
        loud: false,
      };
    case 'OrderFailed':
      return { orderId, message: `OrderFailed published to ${bus}${detail.reason ? ` (${detail.reason})` : ''}`, loud: false };
    default:
      return { orderId, message: `${entry.DetailType} published to ${bus} by ${entry.Source}`, loud: false };
  }
}
