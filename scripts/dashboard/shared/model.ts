/**
 * What the dashboard server sends its page: one snapshot of the system per
 * change (over server-sent events) and the state machine graph once. Shared
 * by the server (scripts/dashboard) and the page (scripts/dashboard/client).
 */
export interface StatusChangeView {
  readonly status: string;
  readonly at: string;
  readonly reason?: string;
}

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  readonly totalCents: number;
  readonly createdAt: string;
  readonly statusHistory: readonly StatusChangeView[];
  readonly failureReason?: string;
  /** A step that must not give up ran out of retries (the saga's NeedsAttention, or the reconciler): a person must look. */
  readonly needsAttention?: boolean;
  readonly attentionReason?: string;
}

export interface OutboxEventView {
  readonly eventId: string;
  readonly orderId: string;
  readonly eventType: string;
  readonly createdAt: string;
  readonly publishedAt?: string;
  /** How many times the relay was invoked with this event (from the stream poller), 0 when not seen yet. */
  readonly relayAttempts: number;
  readonly lastRelayError?: string;
}

export interface FailureRecordView {
  readonly queue: string;
  readonly timestamp: string;
  readonly condition: string;
  readonly error?: string;
  readonly eventIds: readonly string[];
}

/**
 * One client key, as the idempotency table holds it: Powertools' lock record
 * (id `<function>#<hash of "customerId#key">`, so the key cannot be read
 * back from it) and the order's own claim item (`order-key#<customerId>#<key>`,
 * written in the order's transaction), shown together as the one key they are.
 */
export interface IdempotencyKeyView {
  /** The x-idempotency-key as the client sent it: read from the claim, or seen by this dashboard; absent only for a lock whose key nothing names yet. */
  readonly key?: string;
  readonly customerId?: string;
  /** Powertools' record, while it exists. */
  readonly lock?: { readonly id: string; readonly status: string /** Epoch seconds. */; readonly expiration?: number };
  /** The claim the order's transaction wrote: the order this key created, refused to any other. */
  readonly claim?: { readonly id: string; readonly orderId: string /** Epoch seconds. */; readonly expiration?: number };
  /** Requests seen with this key, in order: 'stored' (first 201), 'replayed', 'conflict' (422), 'in-progress' (409). */
  readonly requests: readonly string[];
}

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'caught';

/** One pass through a state in an execution. */
export interface StateRunView {
  readonly name: string;
  readonly type: string;
  readonly status: StepStatus;
  readonly retries: number;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly enteredAt: string;
  readonly durationMs?: number;
}

/**
 * What an execution's end means for the order, beyond Step Functions' status:
 * a business failure (out of stock, declined) is a SUCCEEDED execution whose
 * output says `outcome.status: FAILED`; a FAILED execution is one that needs
 * a person (the NeedsAttention state), or an error nothing caught.
 */
export type ExecutionVerdict = 'running' | 'completed' | 'business-failure' | 'already-finished' | 'needs-attention' | 'failed' | 'stopped';

export interface ExecutionView {
  readonly name: string;
  readonly orderId?: string;
  readonly status: string;
  readonly verdict: ExecutionVerdict;
  /** The saga's result, from the execution output's `outcome`. */
  readonly outcome?: { readonly status: string; readonly reason?: string };
  readonly startDate: string;
  readonly stopDate?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount: number;
  readonly states: readonly StateRunView[];
}

export interface Snapshot {
  readonly at: string;
  readonly orders: readonly OrderView[];
  readonly outbox: readonly OutboxEventView[];
  readonly failures: readonly FailureRecordView[];
  readonly idempotency: readonly IdempotencyKeyView[];
  readonly executions: readonly ExecutionView[];
  /** The FAULT_INJECTION plan now in force, by step. */
  readonly faults: Readonly<Record<string, unknown>>;
  /** How many times the page's switches changed the plan, when this picture was taken. */
  readonly faultsVersion: number;
  /** Steps whose faults the page can toggle. */
  readonly faultSteps: readonly string[];
}

export type EdgeKind = 'next' | 'catch' | 'choice';

export interface GraphNode {
  readonly name: string;
  readonly type: string;
  /** Column: 0 for the forward path, 1 and more for paths reached only through a Catch (compensation). */
  readonly lane: number;
  readonly row: number;
  readonly retries: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

export interface SagaGraph {
  readonly machine: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** The demo buttons: what the page may ask the server to send to the API. */
export const DEMO_ORDERS = ['in-stock', 'out-of-stock', 'over-limit', 'repeat', 'other-body'] as const;
export type DemoOrder = (typeof DEMO_ORDERS)[number];
