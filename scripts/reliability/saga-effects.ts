import { GetExecutionHistoryCommand, type HistoryEvent, ListExecutionsCommand, ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';

/**
 * What the sagas did that a customer or a consumer sees, read back through
 * the local Step Functions API (list-executions, get-execution-history): the
 * notifications sent (SendNotification succeeded) and the events published
 * (a PublishOrderCompleted / PublishOrderFailed task succeeded, which is the
 * one place the local cloud records an event in its published-events store).
 * A replay that is harmless adds none of them for an order already finished.
 */
export const EFFECT_STATES = { SendNotification: 'notifications', PublishOrderCompleted: 'orderCompleted', PublishOrderFailed: 'orderFailed' } as const;

export type Effect = (typeof EFFECT_STATES)[keyof typeof EFFECT_STATES];

export interface ExecutionEffects {
  readonly orderId: string | undefined;
  readonly effects: readonly Effect[];
}

async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Every execution of the saga the endpoint knows, keyed by ARN, with the effects it had. */
export async function sagaEffects(sfn: SFNClient): Promise<Map<string, ExecutionEffects>> {
  const result = new Map<string, ExecutionEffects>();
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  for (const machine of machines) {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, maxResults: 100, nextToken }));
      for (const execution of page.executions ?? []) {
        const history = await historyOf(sfn, execution.executionArn as string);
        const input = history.find((event) => event.type === 'ExecutionStarted')?.executionStartedEventDetails?.input;
        const effects = history
          .filter((event) => event.type === 'TaskStateExited')
          .map((event) => EFFECT_STATES[event.stateExitedEventDetails?.name as keyof typeof EFFECT_STATES])
          .filter((effect): effect is Effect => effect !== undefined);
        result.set(execution.executionArn as string, { orderId: input ? (JSON.parse(input) as { orderId?: string }).orderId : undefined, effects });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return result;
}

/** Per order, how many times each effect happened over these executions. */
export function effectsPerOrder(executions: Iterable<ExecutionEffects>): Map<string, Record<Effect, number>> {
  const perOrder = new Map<string, Record<Effect, number>>();
  for (const { orderId, effects } of executions) {
    if (!orderId) continue;
    const counts = perOrder.get(orderId) ?? { notifications: 0, orderCompleted: 0, orderFailed: 0 };
    for (const effect of effects) counts[effect]++;
    perOrder.set(orderId, counts);
  }
  return perOrder;
}
