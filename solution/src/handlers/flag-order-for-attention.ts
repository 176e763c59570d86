import { flagForAttention } from '../lib/attention';
import { systemClock } from '../lib/clock';
import { describeCaughtError, parseOrderId } from '../lib/saga-input';
import { sagaStep } from '../lib/saga-step';
import { isPlainObject } from '../lib/validate';

/**
 * A step that must not give up (a compensation, or completing a paid order)
 * ran out of retries. Record it on the order so it is visible and the
 * reconciler picks it up; the state machine then publishes
 * OrderNeedsAttention and ends in a Fail state.
 */
export const handler = sagaStep(
  'flagOrderForAttention',
  (event) => {
    const stuck = isPlainObject(event) && isPlainObject(event.stuck) ? event.stuck : {};
    const error = typeof stuck.Error === 'string' ? stuck.Error : 'UnknownError';
    const cause = typeof stuck.Cause === 'string' ? stuck.Cause : undefined;
    return { orderId: parseOrderId(event), reason: cause ? `${error}: ${describeCaughtError({ Error: error, Cause: cause })}` : error };
  },
  async ({ orderId, reason }) => {
    const flagged = await flagForAttention(orderId, reason, systemClock);
    return { flagged, reason };
  },
);
