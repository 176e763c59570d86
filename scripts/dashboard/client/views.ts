/// <reference lib="dom" />
import type { FailureRecordView, IdempotencyKeyView, OrderView, OutboxEventView } from '../shared/model';
import { STATUS_CLASS, duration, escapeHtml, money, short, time } from './format';

/** The tables of the page, as HTML built from escaped data. */
export function renderOrders(orders: readonly OrderView[], filter: string, selected: string | undefined, now: number): string {
  const shown = orders.filter((order) => filter === '' || order.status === filter);
  if (shown.length === 0)
    return `<p class="muted">${orders.length === 0 ? 'No orders yet: place one with the buttons above or with curl.' : 'No order has this status.'}</p>`;
  return `<ul class="orders">${shown
    .map(
      (
        order,
      ) => `<li><button type="button" class="order${order.orderId === selected ? ' selected' : ''}${order.needsAttention ? ' needs-attention' : ''}" data-order-id="${escapeHtml(order.orderId)}" data-status="${escapeHtml(order.status)}"${order.needsAttention ? ' data-attention="true"' : ''} aria-pressed="${order.orderId === selected}">
<span class="status ${STATUS_CLASS[order.status] ?? ''}">${escapeHtml(order.status)}${order.needsAttention ? '</span> <span class="tag attention">needs a person' : ''}</span>
<code>${escapeHtml(short(order.orderId))}</code>
<span class="total">${money(order.totalCents)}</span>
<span class="age muted">${duration(now - new Date(order.createdAt).getTime())} ago</span></button></li>`,
    )
    .join('')}</ul>`;
}

export function renderOrderDetail(order: OrderView | undefined): string {
  if (!order) return '';
  const history = order.statusHistory
    .map(
      (change) =>
        `<li><span class="status ${STATUS_CLASS[change.status] ?? ''}">${escapeHtml(change.status)}</span> <span class="muted">${time(change.at)}</span>${change.reason ? ` — ${escapeHtml(change.reason)}` : ''}</li>`,
    )
    .join('');
  return `<h3>Order <code>${escapeHtml(order.orderId)}</code></h3>
<p>${escapeHtml(order.customerId)} · total ${money(order.totalCents)}${order.failureReason ? ` · <span class="bad-text">${escapeHtml(order.failureReason)}</span>` : ''}</p>
${order.needsAttention ? `<p class="attention-banner" role="alert"><strong>Flagged needsAttention:</strong> ${escapeHtml(order.attentionReason ?? 'a step that must not give up ran out of retries')}</p>` : ''}
<ol class="status-history" aria-label="Status history">${history}</ol>`;
}

export function renderOutbox(events: readonly OutboxEventView[], failures: readonly FailureRecordView[]): string {
  const rows = events
    .map(
      (
        event,
      ) => `<tr data-event-id="${escapeHtml(event.eventId)}"><td><code>${escapeHtml(short(event.eventId))}</code></td><td><code>${escapeHtml(short(event.orderId))}</code></td>
<td>${event.publishedAt ? `<span class="tag good">published</span> ${time(event.publishedAt)}` : '<span class="tag pending">not yet</span>'}</td>
<td>${event.relayAttempts === 0 && event.publishedAt ? '<span class="muted" title="relayed before this npm start: attempts are counted by watching the stream, and no table keeps them">earlier</span>' : event.relayAttempts}${event.lastRelayError ? ` <span class="tag bad" title="${escapeHtml(event.lastRelayError)}">error</span>` : ''}</td></tr>`,
    )
    .join('');
  const table =
    events.length === 0
      ? '<p class="muted">No events yet.</p>'
      : `<table><thead><tr><th scope="col">Event</th><th scope="col">Order</th><th scope="col">Published</th><th scope="col">Relay attempts</th></tr></thead><tbody>${rows}</tbody></table>`;
  const dead = failures
    .map(
      (failure) =>
        `<li class="failure"><span class="tag bad">${escapeHtml(failure.condition)}</span> ${time(failure.timestamp)} ${escapeHtml(failure.error ?? '')} · events ${failure.eventIds.map((id) => `<code>${escapeHtml(short(id))}</code>`).join(', ')}</li>`,
    )
    .join('');
  return `${table}<h3>On-failure queue</h3>${failures.length === 0 ? '<p class="muted">Empty: the relay gave up on nothing.</p>' : `<ul class="failures">${dead}</ul>`}`;
}

/** Powertools' record statuses, in words. */
const KEY_STATUS: Record<string, string> = { INPROGRESS: 'in progress', COMPLETED: 'completed', EXPIRED: 'expired' };

const OUTCOME_TONE: Record<string, string> = { stored: 'good', replayed: 'replay', conflict: 'bad', 'in-progress': 'warn', rejected: 'bad' };

/** One row per client key: Powertools' lock and the order's claim are two items of the one key. */
export function renderIdempotency(keys: readonly IdempotencyKeyView[], now: number): string {
  if (keys.length === 0) return '<p class="muted">No keys yet: send a request with an x-idempotency-key header.</p>';
  const left = (expiration: number | undefined) => (expiration === undefined ? '' : expiration * 1000 > now ? duration(expiration * 1000 - now) : 'expired');
  const rows = keys
    .map((key) => {
      const requests = key.requests.map((outcome) => `<span class="tag ${OUTCOME_TONE[outcome] ?? ''}">${escapeHtml(outcome)}</span>`).join(' ');
      const replays = key.requests.filter((outcome) => outcome === 'replayed').length;
      const lockId = key.lock?.id ?? '';
      const title = [key.customerId && `customer ${key.customerId}`, key.lock && `lock ${key.lock.id}`, key.claim && `claim ${key.claim.id}`]
        .filter(Boolean)
        .join('\n');
      const name = key.key ?? `#${lockId.split('#').pop()}`;
      const lockStatus = key.lock
        ? `<span class="tag ${key.lock.status === 'COMPLETED' ? 'good' : 'warn'}" title="Powertools' lock">${escapeHtml(KEY_STATUS[key.lock.status] ?? key.lock.status.toLowerCase())}</span>`
        : '<span class="tag pending" title="the lock has expired; the claim still refuses a second order">lock gone</span>';
      const claim = key.claim
        ? `<span class="claim small" title="written in the order's own transaction: a second order for this key is refused even without the lock">claims <code>${escapeHtml(short(key.claim.orderId))}</code></span>`
        : '';
      const expiresAt = key.lock?.expiration ?? key.claim?.expiration;
      return `<tr data-key="${escapeHtml(key.key ?? lockId)}" data-replays="${replays}"${key.claim ? ` data-claim-order="${escapeHtml(key.claim.orderId)}"` : ''}><td><code title="${escapeHtml(title)}">${escapeHtml(name)}</code>${key.key === undefined ? '<span class="muted small">key not known yet</span>' : ''}</td><td>${lockStatus}${claim}</td><td class="countdown">${left(expiresAt)}</td><td>${requests}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th scope="col">Key</th><th scope="col">Lock · claim</th><th scope="col">Expires in</th><th scope="col">Requests</th></tr></thead><tbody>${rows}</tbody></table>`;
}
