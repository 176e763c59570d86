import type { EdgeKind, GraphEdge, GraphNode, SagaGraph } from './shared/model';

/**
 * The state machine as a picture, from the same definition the local Step
 * Functions runs (serverless.yml through the config loader): no second copy
 * of the saga to drift from the real one.
 *
 * Layout: states on the forward path (reached from StartAt through Next,
 * Choices and Default) form the first column. A state reached only through
 * a Catch starts a column one to the right of its rightmost catcher (so the
 * compensation path sits beside the forward path, and a handler every step
 * falls back to, like FlagNeedsAttention, sits beside both); its Next chain
 * stays in its column. The row is the state's distance from StartAt, so a
 * compensation sits beside the step whose failure starts it. Two states
 * given the same place keep the longer chain there; the other moves right.
 */
export class GraphDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphDefinitionError';
  }
}

interface StateDefinition {
  readonly Type?: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: ReadonlyArray<{ readonly Next?: string }>;
  readonly Catch?: ReadonlyArray<{ readonly Next?: string }>;
  readonly Retry?: readonly unknown[];
}

interface Definition {
  readonly StartAt?: string;
  readonly States?: Readonly<Record<string, StateDefinition>>;
}

function edgesOf(name: string, state: StateDefinition): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const add = (to: string | undefined, kind: EdgeKind) => {
    if (to && !edges.some((edge) => edge.to === to && edge.kind === kind)) edges.push({ from: name, to, kind });
  };
  add(state.Next, 'next');
  for (const choice of state.Choices ?? []) add(choice.Next, 'choice');
  add(state.Default, 'choice');
  for (const catcher of state.Catch ?? []) add(catcher.Next, 'catch');
  return edges;
}

export function buildSagaGraph(machine: string, definition: unknown): SagaGraph {
  const { StartAt, States } = (definition ?? {}) as Definition;
  if (!StartAt || !States || !States[StartAt]) throw new GraphDefinitionError(`state machine ${machine}: StartAt must name one of its States`);
  const edges = Object.entries(States).flatMap(([name, state]) => edgesOf(name, state));
  for (const edge of edges) {
    if (!States[edge.to]) throw new GraphDefinitionError(`state machine ${machine}: ${edge.from} goes to ${edge.to}, which is not a state`);
  }

  // Rows: breadth first from StartAt, the shortest distance.
  const rows = new Map<string, number>([[StartAt, 0]]);
  const order = [StartAt];
  for (let i = 0; i < order.length; i++) {
    for (const edge of edges.filter((e) => e.from === order[i])) {
      if (rows.has(edge.to)) continue;
      rows.set(edge.to, (rows.get(order[i]) as number) + 1);
      order.push(edge.to);
    }
  }
  // Lanes: relaxed until stable (bounded: a Choice may loop back).
  const lanes = new Map<string, number>([[StartAt, 0]]);
  for (let round = 0, changed = true; changed && round <= order.length; round++) {
    changed = false;
    for (const name of order.slice(1)) {
      const incoming = edges.filter((e) => e.to === name && lanes.has(e.from));
      const chained = incoming.filter((e) => e.kind !== 'catch');
      const lane =
        chained.length > 0 ? Math.min(...chained.map((e) => lanes.get(e.from) as number)) : Math.max(...incoming.map((e) => (lanes.get(e.from) as number) + 1));
      if (incoming.length > 0 && lanes.get(name) !== lane) {
        lanes.set(name, lane);
        changed = true;
      }
    }
  }
  // Collisions: the state with the longer Next chain keeps the place.
  const chainLength = (name: string, seen = new Set<string>()): number => {
    if (seen.has(name)) return 0;
    seen.add(name);
    const next = States[name]?.Next;
    return 1 + (next ? chainLength(next, seen) : 0);
  };
  const place = new Map<string, { lane: number; row: number }>();
  const taken = new Set<string>();
  const byChain = order.filter((name) => lanes.has(name)).sort((a, b) => chainLength(b) - chainLength(a) || order.indexOf(a) - order.indexOf(b));
  for (const name of byChain) {
    const row = rows.get(name) as number;
    let lane = lanes.get(name) as number;
    while (taken.has(`${lane}/${row}`)) lane += 1;
    taken.add(`${lane}/${row}`);
    place.set(name, { lane, row });
  }
  const nodes: GraphNode[] = Object.entries(States)
    .filter(([name]) => place.has(name))
    .map(([name, state]) => ({
      name,
      type: state.Type ?? 'Task',
      ...(place.get(name) as { lane: number; row: number }),
      retries: (state.Retry ?? []).length > 0,
    }));
  return { machine, nodes, edges: edges.filter((edge) => place.has(edge.from)) };
}
