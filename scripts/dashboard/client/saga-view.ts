/// <reference lib="dom" />
import type { ExecutionView, GraphNode, SagaGraph, StateRunView } from '../shared/model';
import { duration, escapeHtml, prettyJson, time } from './format';

/**
 * One saga as a picture: the state machine graph (laid out by the server from
 * serverless.yml) with this execution's states marked: passed through,
 * current (pulsing), failed, caught (compensation starts), retried, and the
 * state it ended in coloured by what the end means for the order; plus the
 * execution history beside it.
 */
const NODE_W = 168;
const NODE_H = 32;
const LANE_GAP = 34;
const ROW_GAP = 20;
const PAD = 10;

const x = (node: GraphNode) => PAD + node.lane * (NODE_W + LANE_GAP);
const y = (node: GraphNode) => PAD + node.row * (NODE_H + ROW_GAP);

function edgePath(from: GraphNode, to: GraphNode): string {
  if (from.lane === to.lane) {
    const cx = x(from) + NODE_W / 2;
    return `M${cx},${y(from) + NODE_H} L${cx},${y(to)}`;
  }
  // Into another lane (a Catch): leave from the right side, enter from the top.
  const sx = x(from) + NODE_W;
  const sy = y(from) + NODE_H / 2;
  const tx = x(to) + NODE_W / 2;
  const ty = y(to);
  return `M${sx},${sy} C${tx},${sy} ${tx},${sy} ${tx},${ty}`;
}

/** The classes of a state for this execution: what happened to it, in its last pass. */
function stateClasses(name: string, runs: readonly StateRunView[], execution: ExecutionView | undefined): string[] {
  const mine = runs.filter((run) => run.name === name);
  if (mine.length === 0) return [];
  const last = mine[mine.length - 1];
  const classes = ['visited', last.status];
  if (last.status === 'running' && execution?.status === 'RUNNING') classes.push('current');
  if (mine.some((run) => run.retries > 0)) classes.push('retried');
  // The state the execution ended in: a business failure ends in a Pass state that succeeded, yet the order FAILED.
  if (execution && execution.status !== 'RUNNING' && runs[runs.length - 1] === last) classes.push('end', `end-${execution.verdict}`);
  return classes;
}

/** What the end of an execution means, in words, with the tone of its tag. */
export function verdictText(execution: ExecutionView): { text: string; tone: string } {
  const reason = execution.outcome?.reason ? ` (${execution.outcome.reason})` : '';
  switch (execution.verdict) {
    case 'running':
      return { text: 'running', tone: 'progress' };
    case 'completed':
      return { text: 'order COMPLETED', tone: 'good' };
    case 'business-failure':
      return { text: `business failure: order FAILED${reason}, compensations done`, tone: 'bad' };
    case 'already-finished':
      return { text: 'replay: the order had already finished, nothing done', tone: 'replay' };
    case 'needs-attention':
      return { text: 'NEEDS A PERSON: a step that must not give up ran out of retries', tone: 'attention' };
    case 'failed':
      return { text: `failed: ${execution.error ?? 'error'}`, tone: 'bad' };
    default:
      return { text: execution.status.toLowerCase(), tone: 'warn' };
  }
}

export function renderGraph(graph: SagaGraph, execution: ExecutionView | undefined): string {
  const byName = new Map(graph.nodes.map((node) => [node.name, node]));
  const runs = execution?.states ?? [];
  const lanes = Math.max(...graph.nodes.map((n) => n.lane)) + 1;
  const rows = Math.max(...graph.nodes.map((n) => n.row)) + 1;
  const width = PAD * 2 + lanes * NODE_W + (lanes - 1) * LANE_GAP;
  const height = PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP;
  // An edge was taken when one state ran right after the other.
  const taken = new Set(runs.slice(1).map((run, index) => `${runs[index].name}→${run.name}`));
  const edges = graph.edges
    .map((edge) => {
      const from = byName.get(edge.from);
      const to = byName.get(edge.to);
      if (!from || !to) return '';
      const used = taken.has(`${edge.from}→${edge.to}`) ? ' taken' : '';
      return `<path class="edge ${edge.kind}${used}" d="${edgePath(from, to)}" marker-end="url(#arrow)"/>`;
    })
    .join('');
  const nodes = graph.nodes
    .map((node) => {
      const classes = ['node', `lane-${Math.min(node.lane, 1)}`, `type-${node.type.toLowerCase()}`, ...stateClasses(node.name, runs, execution)];
      const retries = runs.filter((run) => run.name === node.name).reduce((sum, run) => sum + run.retries, 0);
      const badge =
        retries > 0
          ? `<g class="badge"><rect x="${x(node) + NODE_W - 34}" y="${y(node) - 7}" width="38" height="16" rx="8"/><text x="${x(node) + NODE_W - 15}" y="${y(node) + 5}" text-anchor="middle">↻ ${retries}</text></g>`
          : '';
      const title = `${node.name} (${node.type})${retries > 0 ? `, retried ${retries} time(s)` : ''}`;
      return `<g class="${classes.join(' ')}" data-state="${escapeHtml(node.name)}" data-retries="${retries}"><title>${escapeHtml(title)}</title><rect class="box" x="${x(node)}" y="${y(node)}" width="${NODE_W}" height="${NODE_H}" rx="8"/><text x="${x(node) + 10}" y="${y(node) + 21}"${node.name.length > 20 ? ` textLength="${NODE_W - 20}" lengthAdjust="spacingAndGlyphs"` : ''}>${escapeHtml(node.name)}</text>${badge}</g>`;
    })
    .join('');
  const laneLabels = lanes > 1 ? `<text class="lane-label" x="${x({ lane: 1 } as GraphNode)}" y="${height - 2}">compensation path</text>` : '';
  return `<svg class="graph" viewBox="0 0 ${width} ${height}" role="img" aria-label="State machine ${escapeHtml(graph.machine)}${execution ? `, execution ${escapeHtml(execution.status)}` : ''}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
${edges}${nodes}${laneLabels}</svg>`;
}

/** The order's executions (a reconciler's fresh run, a replay for a finished order), to pick the one the graph shows. */
export function renderExecutions(executions: readonly ExecutionView[], shown: ExecutionView | undefined): string {
  if (executions.length < 2) return '';
  const items = executions
    .map((execution) => {
      const { text, tone } = verdictText(execution);
      const current = execution === shown;
      return `<li><button type="button" class="execution${current ? ' selected' : ''}" data-execution-name="${escapeHtml(execution.name)}" data-verdict="${execution.verdict}" aria-pressed="${current}"><code>${escapeHtml(execution.name.slice(0, 8))}…${escapeHtml(execution.name.length > 36 ? execution.name.slice(36) : '')}</code> <span class="tag ${tone}">${escapeHtml(text)}</span> <span class="muted">${time(execution.startDate)}</span></button></li>`;
    })
    .join('');
  return `<h3>Executions for this order</h3><ul class="executions">${items}</ul>`;
}

export function renderHistory(execution: ExecutionView | undefined, orderStatus: string): string {
  if (!execution) {
    // Without --persist the local Step Functions keeps the newest executions in memory only.
    return ['COMPLETED', 'FAILED'].includes(orderStatus)
      ? '<p class="muted">Its saga ran before this <code>npm start</code> without <code>--persist</code> (or is older than the newest 50 executions).</p>'
      : '<p class="muted">No saga yet: the relay starts it once the outbox event is on the stream.</p>';
  }
  const rows = execution.states
    .map((run) => {
      const detail = [
        run.input ? `<h4>Input</h4><pre>${escapeHtml(prettyJson(run.input))}</pre>` : '',
        run.output ? `<h4>Output</h4><pre>${escapeHtml(prettyJson(run.output))}</pre>` : '',
        run.error ? `<h4>Error</h4><pre>${escapeHtml(`${run.error}${run.cause ? `: ${run.cause}` : ''}`)}</pre>` : '',
      ].join('');
      const retries = run.retries > 0 ? ` <span class="tag warn">↻ ${run.retries} retr${run.retries === 1 ? 'y' : 'ies'}</span>` : '';
      const error = run.error ? ` <span class="tag bad">${escapeHtml(run.error)}</span>` : '';
      return `<li class="run ${run.status}" data-state="${escapeHtml(run.name)}"><details><summary><span class="run-name">${escapeHtml(run.name)}</span> <span class="tag ${run.status}">${run.status}</span>${retries}${error} <span class="muted">${run.durationMs === undefined ? '' : `${run.durationMs} ms`}</span></summary>${detail}</details></li>`;
    })
    .join('');
  const ended = execution.stopDate
    ? ` · ended ${time(execution.stopDate)} after ${duration(new Date(execution.stopDate).getTime() - new Date(execution.startDate).getTime())}`
    : '';
  const { text, tone } = verdictText(execution);
  const redriven = execution.redriveCount > 0 ? ` · re-driven ${execution.redriveCount}×` : '';
  // Loud on purpose: this is the one end that waits for a person (an alarm on AWS).
  const attention =
    execution.verdict === 'needs-attention'
      ? `<p class="attention-banner" role="alert"><strong>Needs a person.</strong> ${escapeHtml(execution.cause ?? '')}</p>`
      : '';
  return `${attention}<p class="execution-status" data-execution-status="${escapeHtml(execution.status)}" data-verdict="${execution.verdict}">Execution <code>${escapeHtml(execution.name.slice(0, 8))}</code>: <strong>${escapeHtml(execution.status)}</strong> <span class="tag ${tone} verdict">${escapeHtml(text)}</span> · started ${time(execution.startDate)}${ended}${redriven}</p><ol class="history">${rows}</ol>`;
}
