/// <reference lib="dom" />
import type { ExecutionView, SagaGraph, Snapshot } from '../shared/model';
import { escapeHtml, short } from './format';
import { renderExecutions, renderGraph, renderHistory } from './saga-view';
import { renderIdempotency, renderOrderDetail, renderOrders, renderOutbox } from './views';

/**
 * The dashboard page: the server pushes a snapshot of the system over
 * server-sent events after every hop; this redraws from the latest one (and
 * once a second, so ages and expiry countdowns tick).
 */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let snapshot: Snapshot | undefined;
let graphs: SagaGraph[] = [];
/** The order the user chose; until then the newest order is shown. */
let chosen: string | undefined;
/** The execution the user chose for that order; until then the one that did the order's work. */
let chosenExecution: string | undefined;
let filter = '';
/** The order each demo key created, to tell a replay when the same key answers again. */
const orderByKey = new Map<string, string>();
/** The newest fault plan known: a picture taken before a switch (still on its way) must not flip the box back. */
let faults: { plan: Readonly<Record<string, unknown>>; version: number } = { plan: {}, version: -1 };
/** Switches whose request is still in flight keep the state the user gave them. */
const switching = new Map<string, boolean>();

function learnFaults(plan: Readonly<Record<string, unknown>>, version: number): void {
  if (version >= faults.version) faults = { plan, version };
}

/** The order's executions, newest first. */
function executionsFor(orderId: string | undefined): ExecutionView[] {
  return snapshot?.executions.filter((execution) => execution.orderId === orderId) ?? [];
}

/** The chosen one, else the newest that is not a replay for the finished order (a replay ends at once and did nothing). */
function shownExecution(executions: readonly ExecutionView[]): ExecutionView | undefined {
  return executions.find((e) => e.name === chosenExecution) ?? executions.find((e) => e.verdict !== 'already-finished') ?? executions[0];
}

const drawn = new Map<string, string>();

/** Redraws a region only when it changed, keeping keyboard focus and opened details where they were. */
function replace(id: string, html: string): void {
  if (drawn.get(id) === html) return;
  drawn.set(id, html);
  const region = $(id);
  const active = document.activeElement instanceof HTMLElement && region.contains(document.activeElement) ? document.activeElement : undefined;
  const focused =
    active?.dataset.orderId !== undefined
      ? ['data-order-id', active.dataset.orderId]
      : active?.dataset.executionName !== undefined
        ? ['data-execution-name', active.dataset.executionName]
        : undefined;
  const open = [...region.querySelectorAll('details')].map((details) => details.open);
  region.innerHTML = html;
  region.querySelectorAll('details').forEach((details, index) => {
    if (open[index]) details.open = true;
  });
  if (focused) region.querySelector<HTMLElement>(`[${focused[0]}="${CSS.escape(focused[1])}"]`)?.focus();
}

function render(): void {
  if (!snapshot) return;
  const now = Date.now();
  const selected = chosen ?? snapshot.orders[0]?.orderId;
  replace('orders', renderOrders(snapshot.orders, filter, selected, now));
  const order = snapshot.orders.find((o) => o.orderId === selected);
  const executions = executionsFor(selected);
  const execution = shownExecution(executions);
  replace('saga-title', order ? `Saga for order <code>${escapeHtml(short(order.orderId))}</code>` : 'Saga');
  replace('graph', graphs[0] ? renderGraph(graphs[0], execution) : '');
  replace('executions', renderExecutions(executions, execution));
  replace('history', order ? renderHistory(execution, order.status) : '<p class="muted">Select an order to see its saga.</p>');
  replace('order-detail', renderOrderDetail(order));
  replace('outbox', renderOutbox(snapshot.outbox, snapshot.failures));
  replace('idempotency', renderIdempotency(snapshot.idempotency, now));
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-fault]')) {
    const step = input.dataset.fault as string;
    input.checked = switching.get(step) ?? Boolean(faults.plan[step]);
  }
  $('fault-plan').textContent = Object.keys(faults.plan).length === 0 ? 'FAULT_INJECTION off' : `FAULT_INJECTION=${JSON.stringify(faults.plan)}`;
}

async function post(path: string, body: unknown): Promise<any> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(json.message ?? `HTTP ${response.status}`);
  return json;
}

function say(message: string): void {
  $('announce').textContent = message;
}

function wire(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-demo]')) {
    button.addEventListener('click', async () => {
      try {
        const result = await post('/api/orders', { kind: button.dataset.demo });
        const orderId = result.body?.orderId as string | undefined;
        if (orderId && result.statusCode === 201) {
          chosen = orderId;
          chosenExecution = undefined;
        }
        // The same key answered with the same order: the stored response came back, nothing was written.
        const replay =
          orderId !== undefined && orderByKey.get(result.key) === orderId ? ' — idempotent replay: the first response again, nothing new written' : '';
        if (orderId) orderByKey.set(result.key, orderId);
        const message = result.body?.message ?? result.body?.error ?? '';
        say(
          `${button.textContent?.trim()}: HTTP ${result.statusCode} with key ${result.key}${orderId ? `, order ${short(orderId)}` : ''}${message ? ` (${message})` : ''}${replay}`,
        );
        render();
      } catch (error) {
        say(`Could not place the order: ${(error as Error).message}`);
      }
    });
  }
  for (const input of document.querySelectorAll<HTMLInputElement>('input[data-fault]')) {
    input.addEventListener('change', async () => {
      const step = input.dataset.fault as string;
      const on = input.checked;
      switching.set(step, on);
      try {
        const result = await post('/api/faults', { step, on });
        learnFaults(result.faults, result.faultsVersion);
        say(`Fault injection ${on ? 'on' : 'off'} for ${step}`);
      } catch (error) {
        say(`Could not switch the fault: ${(error as Error).message}`);
      } finally {
        switching.delete(step);
        render();
      }
    });
  }
  $('orders').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('[data-order-id]');
    if (!button) return;
    chosen = button.dataset.orderId;
    chosenExecution = undefined;
    render();
  });
  $('executions').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('[data-execution-name]');
    if (!button) return;
    chosenExecution = button.dataset.executionName;
    render();
  });
  $<HTMLSelectElement>('status-filter').addEventListener('change', (event) => {
    filter = (event.target as HTMLSelectElement).value;
    render();
  });
  const large = $<HTMLButtonElement>('large-type');
  large.addEventListener('click', () => {
    const on = document.body.classList.toggle('large');
    large.setAttribute('aria-pressed', String(on));
  });
}

function connect(): void {
  const source = new EventSource('/api/events');
  source.onopen = () => {
    // A restarted server counts its switches from 0 again.
    faults = { plan: faults.plan, version: -1 };
    $('connection').textContent = 'live';
    $('connection').className = 'connection live';
  };
  source.onerror = () => {
    // EventSource reconnects by itself (e.g. after npm start restarts with --persist).
    $('connection').textContent = 'reconnecting…';
    $('connection').className = 'connection down';
  };
  source.onmessage = (message) => {
    snapshot = JSON.parse(message.data) as Snapshot;
    learnFaults(snapshot.faults, snapshot.faultsVersion);
    document.body.dataset.updatedAt = snapshot.at;
    render();
  };
}

async function main(): Promise<void> {
  wire();
  graphs = (await (await fetch('/api/graph')).json()) as SagaGraph[];
  connect();
  setInterval(render, 1000);
}

void main();
