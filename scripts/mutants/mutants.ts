/**
 * Wrong implementations a learner might plausibly write, each one a small
 * search/replace on a lab file of solution/src. `npm run test:mutants` runs
 * the lab's tests against each and expects every one to be KILLED (a test
 * fails). A mutant that SURVIVES is a lesson the tests do not enforce.
 *
 * Each search text must occur exactly once in its file; when the solution
 * changes, the harness names the mutant to update instead of guessing.
 */
export interface Edit {
  readonly search: string;
  readonly replace: string;
}

export interface Mutant {
  /** Short, unique, used in the temp folder name: letters, digits and -. */
  readonly id: string;
  readonly lab: 1 | 2 | 3 | 4;
  /** Relative to solution/src. */
  readonly file: string;
  /** The mistake, and what breaks in production because of it. */
  readonly mistake: string;
  readonly edits: readonly Edit[];
}

// The outbox transaction of lib/orders.ts, piece by piece, so a mutant can move one Put out of it.
const IMPORTS = "import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';";
const IMPORTS_WITH_PUT = "import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';";
const TRANSACTION_START = '  await dynamo().send(\n    new TransactWriteCommand({';
const ORDER_PUT = "        { Put: { TableName: tables.orders(), Item: order, ConditionExpression: 'attribute_not_exists(orderId)' } },";
const EVENT_PUT = "        { Put: { TableName: tables.outbox(), Item: event, ConditionExpression: 'attribute_not_exists(eventId)' } },";

const lab1: Mutant[] = [
  {
    id: 'cents-floor',
    lab: 1,
    file: 'lib/money.ts',
    mistake: 'rounds cents down: 1299.99 is stored as 129998 cents, a cent lost on every such price',
    edits: [{ search: 'const cents = Math.round(scaled);', replace: 'const cents = Math.floor(scaled);' }],
  },
  {
    id: 'cents-unrounded',
    lab: 1,
    file: 'lib/money.ts',
    mistake: 'keeps the floating-point product: 1299.99 becomes 129998.99999999999 "cents"',
    edits: [{ search: 'const cents = Math.round(scaled);', replace: 'const cents = scaled;' }],
  },
  {
    id: 'cents-any-precision',
    lab: 1,
    file: 'lib/money.ts',
    mistake: 'accepts a third decimal: 9.999 is silently charged as 10.00',
    edits: [{ search: 'if (Math.abs(scaled - cents) > 1e-6) return undefined;', replace: '' }],
  },
  {
    id: 'outbox-two-puts',
    lab: 1,
    file: 'lib/orders.ts',
    mistake: 'writes the order on its own, then the event: a failure between them leaves an order whose saga never starts',
    edits: [
      { search: IMPORTS, replace: IMPORTS_WITH_PUT },
      { search: `${ORDER_PUT}\n`, replace: '' },
      {
        search: TRANSACTION_START,
        replace: `  await dynamo().send(new PutCommand(${ORDER_PUT.trim().slice('{ Put: '.length, -' },'.length)}));\n${TRANSACTION_START}`,
      },
    ],
  },
  {
    id: 'outbox-event-first',
    lab: 1,
    file: 'lib/orders.ts',
    mistake: 'writes the event on its own, then the order: a refused order leaves an event for an order that does not exist',
    edits: [
      { search: IMPORTS, replace: IMPORTS_WITH_PUT },
      { search: `${EVENT_PUT}\n`, replace: '' },
      {
        search: TRANSACTION_START,
        replace: `  await dynamo().send(new PutCommand(${EVENT_PUT.trim().slice('{ Put: '.length, -' },'.length)}));\n${TRANSACTION_START}`,
      },
    ],
  },
  {
    id: 'outbox-order-unconditional',
    lab: 1,
    file: 'lib/orders.ts',
    mistake: "puts the order without attribute_not_exists: an id collision silently overwrites another customer's order",
    edits: [
      {
        search: "{ Put: { TableName: tables.orders(), Item: order, ConditionExpression: 'attribute_not_exists(orderId)' } },",
        replace: '{ Put: { TableName: tables.orders(), Item: order } },',
      },
    ],
  },
  {
    id: 'outbox-event-unconditional',
    lab: 1,
    file: 'lib/orders.ts',
    mistake: 'puts the event without attribute_not_exists: a reused event id overwrites an event the relay may not have seen',
    edits: [
      {
        search: "{ Put: { TableName: tables.outbox(), Item: event, ConditionExpression: 'attribute_not_exists(eventId)' } },",
        replace: '{ Put: { TableName: tables.outbox(), Item: event } },',
      },
    ],
  },
  {
    id: 'get-order-no-uuid-check',
    lab: 1,
    file: 'handlers/get-order.ts',
    mistake: 'skips the path parameter check: a malformed id is a 404 instead of a 400 naming the field',
    edits: [
      {
        search: "if (!isUuid(orderId)) return badRequest([{ field: 'pathParameters.orderId', message: 'must be a UUID' }]);",
        replace: 'void isUuid; void badRequest;',
      },
    ],
  },
];

const lab2: Mutant[] = [
  {
    id: 'start-swallows-every-error',
    lab: 2,
    file: 'lib/saga-starter.ts',
    mistake: 'treats every StartExecution failure as "already started": a throttled start is marked published and the order never runs',
    edits: [{ search: "if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return", replace: 'if (error instanceof Error) return' }],
  },
  {
    id: 'start-random-name',
    lab: 2,
    file: 'lib/saga-starter.ts',
    mistake: 'names the execution with a timestamp: a redelivered record starts a second saga (two charges)',
    edits: [{ search: 'const executionName = input.eventId;', replace: 'const executionName = `${input.eventId}-${Date.now()}`;' }],
  },
  {
    id: 'mark-swallows-every-error',
    lab: 2,
    file: 'lib/outbox.ts',
    mistake: 'markPublished swallows every error: an event whose mark failed is reported relayed, and nobody notices the outbox filling up',
    edits: [{ search: 'if (!isConditionalCheckFailed(error)) throw error;', replace: 'void isConditionalCheckFailed;' }],
  },
  {
    id: 'mark-overwrites-published-at',
    lab: 2,
    file: 'lib/outbox.ts',
    mistake: 'overwrites publishedAt on every delivery: the audit trail shows the last redelivery, not the first publication',
    edits: [
      {
        search: "UpdateExpression: 'SET publishedAt = if_not_exists(publishedAt, :now), expiresAt = if_not_exists(expiresAt, :expiresAt)'",
        replace: "UpdateExpression: 'SET publishedAt = :now, expiresAt = :expiresAt'",
      },
    ],
  },
  {
    id: 'mark-recreates-deleted',
    lab: 2,
    file: 'lib/outbox.ts',
    mistake: 'marks without attribute_exists: a late redelivery recreates an event TTL already deleted',
    edits: [{ search: "ConditionExpression: 'attribute_exists(eventId)',", replace: '' }],
  },
  {
    id: 'relay-marks-before-start',
    lab: 2,
    file: 'handlers/outbox-relay.ts',
    mistake: 'marks the event published before its saga starts: a failed start loses the order for good',
    edits: [
      {
        search: '  const { outcome, executionName } = await startSaga(',
        replace: '  await markPublished(event.eventId);\n  const { outcome, executionName } = await startSaga(',
      },
      { search: '  });\n  await markPublished(event.eventId);\n}', replace: '  });\n}' },
    ],
  },
  {
    id: 'relay-start-and-mark-together',
    lab: 2,
    file: 'handlers/outbox-relay.ts',
    mistake: 'starts the saga and marks the event published at the same time: a start that fails still marks the event, and the order is lost',
    edits: [
      {
        search: '  const { outcome, executionName } = await startSaga(sagaInputFor(event));',
        replace: '  const [{ outcome, executionName }] = await Promise.all([startSaga(sagaInputFor(event)), markPublished(event.eventId)]);',
      },
      { search: '  });\n  await markPublished(event.eventId);\n}', replace: '  });\n}' },
    ],
  },
  {
    id: 'relay-every-event-type',
    lab: 2,
    file: 'handlers/outbox-relay.ts',
    mistake: 'drops the INSERT guard: the MODIFY that marking published makes would start the saga again',
    edits: [{ search: "if (record.eventName !== 'INSERT') return;", replace: '' }],
  },
  {
    id: 'relay-fails-whole-batch',
    lab: 2,
    file: 'handlers/outbox-relay.ts',
    mistake: 'throws on the first bad record: the whole batch is retried and one poison event blocks the shard',
    edits: [
      {
        search: 'return processPartialResponse(event, tracedRecord(relayRecord), processor, { context });',
        replace:
          'void processPartialResponse; void processor; void tracedRecord;\n  for (const record of event.Records) await relayRecord(record);\n  return { batchItemFailures: [] };',
      },
    ],
  },
  {
    id: 'relay-swallows-record-errors',
    lab: 2,
    file: 'handlers/outbox-relay.ts',
    mistake: 'logs and skips a failing record: its event is never retried nor sent to the on-failure queue',
    edits: [
      {
        search: 'return processPartialResponse(event, tracedRecord(relayRecord), processor, { context });',
        replace:
          "void processPartialResponse; void processor; void tracedRecord;\n  for (const record of event.Records) {\n    try {\n      await relayRecord(record);\n    } catch (error) {\n      logger.error('record failed', { error: error as Error });\n    }\n  }\n  return { batchItemFailures: [] };",
      },
    ],
  },
];

const lab3: Mutant[] = [
  {
    id: 'idem-returns-failure',
    lab: 3,
    file: 'handlers/create-order.ts',
    mistake:
      'returns a failure from the idempotent function instead of throwing: Powertools stores it, and every retry with the key gets the failure back for 10 minutes',
    edits: [
      {
        search: 'const run = makeIdempotent((request: IdempotentRequest) => createOrder(request.order, request.clientKey), {',
        replace:
          "const run = makeIdempotent((request: IdempotentRequest) => createOrder(request.order, request.clientKey).catch((error: Error): CreateOrderResponse => ({ orderId: '', status: 'PENDING', totalAmount: 0, message: `failed: ${error.message}` })), {",
      },
    ],
  },
  {
    id: 'idem-no-lambda-context',
    lab: 3,
    file: 'handlers/create-order.ts',
    mistake: 'never registers the Lambda context: a request that times out mid-flight leaves its key INPROGRESS, and every retry gets 409 for the whole window',
    edits: [{ search: '  idempotent.config.registerLambdaContext(context);\n', replace: '  void context;\n' }],
  },
  {
    id: 'idem-header-case-sensitive',
    lab: 3,
    file: 'handlers/create-order.ts',
    mistake: 'reads the header by its exact name: a client sending X-Idempotency-Key gets no protection, and its retry makes a second order',
    edits: [
      {
        search: '  const headers = lowerCaseHeaders(event);\n  const idempotencyKey = headers[IDEMPOTENCY_HEADER];',
        replace: '  void lowerCaseHeaders;\n  const idempotencyKey = event.headers?.[IDEMPOTENCY_HEADER] ?? undefined;',
      },
    ],
  },
  {
    id: 'idem-no-payload-validation',
    lab: 3,
    file: 'handlers/create-order.ts',
    mistake: 'validates no payload: the same key with another body silently answers with the first order instead of 422',
    edits: [{ search: "      payloadValidationJmesPath: 'order',\n", replace: '' }],
  },
  {
    id: 'idem-in-progress-is-500',
    lab: 3,
    file: 'handlers/create-order.ts',
    mistake: 'lets IdempotencyAlreadyInProgressError fall through to 500: a client retrying a slow request is told the server failed, with no Retry-After',
    edits: [
      {
        search: '    if (error instanceof IdempotencyAlreadyInProgressError) {',
        replace: '    if (error instanceof IdempotencyAlreadyInProgressError && Date.now() < 0) {',
      },
    ],
  },
  {
    id: 'idem-claim-conflict-is-500',
    lab: 3,
    file: 'handlers/create-order.ts',
    mistake:
      'maps only the Powertools mismatch to 422: a reused key caught by the order claim answers 500, and the client retries a request that can never succeed',
    edits: [
      {
        search: 'if (error instanceof IdempotencyValidationError || error instanceof IdempotencyKeyConflictError) {',
        replace: 'if (error instanceof IdempotencyValidationError) {\n      void IdempotencyKeyConflictError;',
      },
    ],
  },
  {
    id: 'claim-unconditional',
    lab: 3,
    file: 'lib/order-key-claim.ts',
    mistake: 'claims the key without a condition: a retry that slipped past a lost lock overwrites the claim and writes a second order',
    edits: [
      {
        search:
          "      ConditionExpression: 'attribute_not_exists(id) OR expiration <= :now',\n      ExpressionAttributeValues: { ':now': epochSeconds(now) },\n",
        replace: '',
      },
    ],
  },
  {
    id: 'claim-never-expires',
    lab: 3,
    file: 'lib/order-key-claim.ts',
    mistake: 'claims the key with attribute_not_exists only: TTL deletes the claim hours late, so the key stays blocked long after its 10-minute window',
    edits: [
      {
        search:
          "      ConditionExpression: 'attribute_not_exists(id) OR expiration <= :now',\n      ExpressionAttributeValues: { ':now': epochSeconds(now) },\n",
        replace: "      ConditionExpression: 'attribute_not_exists(id)',\n",
      },
    ],
  },
  {
    id: 'claim-no-expiration',
    lab: 3,
    file: 'lib/order-key-claim.ts',
    mistake: 'writes the claim without its expiration: the condition can never see it expire, and TTL never deletes it, so the key is blocked for good',
    edits: [
      {
        search: 'claimedAt: now.toISOString(), expiration: epochSeconds(now) + windowSeconds };',
        replace: 'claimedAt: now.toISOString() } as KeyClaim;\n  void windowSeconds;',
      },
    ],
  },
];

const lab4: Mutant[] = [
  {
    id: 'reserve-record-unconditional',
    lab: 4,
    file: 'lib/inventory.ts',
    mistake: 'puts the reservation without attribute_not_exists: a concurrent retry overwrites it and fails the saga with an illegal transition',
    edits: [
      {
        search: "{ Put: { TableName: tables.inventory(), Item: reservation, ConditionExpression: 'attribute_not_exists(productId)' } },",
        replace: '{ Put: { TableName: tables.inventory(), Item: reservation } },',
      },
    ],
  },
  {
    id: 'reserve-race-ignores-tombstone',
    lab: 4,
    file: 'lib/inventory.ts',
    mistake: 'answers ALREADY_RESERVED to whatever won the race, even a RELEASED tombstone: the saga goes on to charge an order whose stock was never taken',
    edits: [{ search: 'if (winner) return alreadyReserved(winner);', replace: "if (winner) return { outcome: 'ALREADY_RESERVED', items: winner.items };" }],
  },
  {
    id: 'charge-record-unconditional',
    lab: 4,
    file: 'lib/payments.ts',
    mistake: 'puts the charge without attribute_not_exists: a concurrent retry overwrites it (or a VOIDED tombstone)',
    edits: [
      {
        search: "{ Put: { TableName: tables.payments(), Item: charge, ConditionExpression: 'attribute_not_exists(orderId)' } },",
        replace: '{ Put: { TableName: tables.payments(), Item: charge } },',
      },
    ],
  },
  {
    id: 'charge-race-not-reread',
    lab: 4,
    file: 'lib/payments.ts',
    mistake: 'does not re-read after losing the race for the charge record: a concurrent retry fails the saga instead of returning the charge',
    edits: [
      {
        search:
          '    if (failed.includes(0)) {\n      const winner = await findPayment(orderId);\n      if (winner) return previousOutcome(winner, declineAboveCents);\n    }\n    const order',
        replace: '    const order',
      },
    ],
  },
  {
    id: 'refund-without-charged-condition',
    lab: 4,
    file: 'lib/payments.ts',
    mistake: 'refunds without "still CHARGED": two concurrent refunds both pay the customer back',
    edits: [
      { search: "              ConditionExpression: '#status = :charged',\n", replace: '' },
      { search: "':refunded': 'REFUNDED', ':charged': 'CHARGED', ':now': now", replace: "':refunded': 'REFUNDED', ':now': now" },
    ],
  },
  {
    id: 'refund-void-unconditional',
    lab: 4,
    file: 'lib/payments.ts',
    mistake: 'writes the VOIDED tombstone unconditionally: it overwrites a charge made a moment earlier, so the customer is never refunded',
    edits: [
      {
        search: "new PutCommand({ TableName: tables.payments(), Item: voided, ConditionExpression: 'attribute_not_exists(orderId)' })",
        replace: 'new PutCommand({ TableName: tables.payments(), Item: voided })',
      },
    ],
  },
  {
    id: 'refund-no-reread',
    lab: 4,
    file: 'lib/payments.ts',
    mistake: 'gives up when its condition fails instead of reading again: a refund racing a late charge leaves the charge in place',
    edits: [{ search: 'if (isConditionalCheckFailed(error)) continue; // changed under us: read again', replace: 'void isConditionalCheckFailed;' }],
  },
  {
    id: 'release-without-reserved-condition',
    lab: 4,
    file: 'lib/inventory.ts',
    mistake: 'releases without "still RESERVED": two concurrent releases put the stock back twice',
    edits: [
      { search: "                ConditionExpression: '#state = :reserved',\n", replace: '' },
      { search: "':released': 'RELEASED', ':reserved': 'RESERVED', ':now': now", replace: "':released': 'RELEASED', ':now': now" },
    ],
  },
  {
    id: 'release-tombstone-unconditional',
    lab: 4,
    file: 'lib/inventory.ts',
    mistake: 'writes the RELEASED tombstone unconditionally: it overwrites a reservation made a moment earlier, whose stock is then never returned',
    edits: [
      {
        search: "new PutCommand({ TableName: tables.inventory(), Item: tombstone, ConditionExpression: 'attribute_not_exists(productId)' })",
        replace: 'new PutCommand({ TableName: tables.inventory(), Item: tombstone })',
      },
    ],
  },
  {
    id: 'release-no-tombstone',
    lab: 4,
    file: 'lib/inventory.ts',
    mistake: 'answers NOTHING_RESERVED without leaving a RELEASED tombstone: a reservation arriving late takes stock for an order that already failed',
    edits: [
      {
        search:
          "        await dynamo().send(new PutCommand({ TableName: tables.inventory(), Item: tombstone, ConditionExpression: 'attribute_not_exists(productId)' }));\n",
        replace: '        void tombstone;\n',
      },
    ],
  },
  {
    id: 'refund-no-void',
    lab: 4,
    file: 'lib/payments.ts',
    mistake: 'answers NOTHING_TO_REFUND without leaving a VOIDED record: a charge arriving late bills a customer whose order already failed',
    edits: [
      {
        search:
          "        await dynamo().send(new PutCommand({ TableName: tables.payments(), Item: voided, ConditionExpression: 'attribute_not_exists(orderId)' }));\n",
        replace: '        void voided;\n',
      },
    ],
  },
];

export const MUTANTS: readonly Mutant[] = [...lab1, ...lab2, ...lab3, ...lab4];
