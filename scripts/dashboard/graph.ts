import type { EdgeKind, GraphEdge, GraphNode, SagaGraph } from './shared/model';

/**
 * The state machine as a picture, from the same definition the local Step
 * Functions runs (serverless.yml through the config loader): no second copy
 * of the saga to drift from the real one.
 *
 * Layout: states on the forward path (reached from StartAt through Next,
 * Choices and Default) form the first column; states reached only through a
 * Catch (the compensation path) form the next column. The row is the state's
 * distance from StartAt, so a compensation sits beside the step whose failure
 * starts it.
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

  // Breadth first from StartAt: the row is the shortest distance, the lane grows by one per Catch taken.
  const place = new Map<string, { lane: number; row: number }>([[StartAt, { lane: 0, row: 0 }]]);
  const queue = [StartAt];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    const here = place.get(name) as { lane: number; row: number };
    for (const edge of edges.filter((e) => e.from === name)) {
      const lane = here.lane + (edge.kind === 'catch' ? 1 : 0);
      const known = place.get(edge.to);
      if (!known) {
        place.set(edge.to, { lane, row: here.row + 1 });
        queue.push(edge.to);
      } else if (lane < known.lane) {
        place.set(edge.to, { lane, row: known.row });
      }
    }
  }
  const nodes: GraphNode[] = Object.entries(States)
    .filter(([name]) => place.has(name))
    .map(([name, state]) => ({ name, type: state.Type ?? 'Task', ...(place.get(name) as { lane: number; row: number }), retries: (state.Retry ?? []).length > 0 }));
  return { machine, nodes, edges: edges.filter((edge) => place.has(edge.from)) };
}
