import { loadServiceConfig } from '../local-cloud/serverless-config';
import { GraphDefinitionError, buildSagaGraph } from './graph';

/** The saga picture comes from the state machine in serverless.yml, compensation path included. */
describe('saga graph', () => {
  const machine = loadServiceConfig({ stage: 'local' }).stateMachines[0];
  const graph = buildSagaGraph(machine.name, machine.definition);
  const node = (name: string) => graph.nodes.find((n) => n.name === name);

  it('draws every state of the serverless.yml state machine', () => {
    const states = Object.keys((machine.definition as { States: object }).States);
    expect(graph.nodes.map((n) => n.name).sort()).toEqual(states.sort());
  });

  it('puts the forward path in the first column, in order, and the compensation path beside it', () => {
    expect(['ReserveInventory', 'ProcessPayment', 'SendNotification', 'CompleteOrder'].map((name) => [node(name)?.lane, node(name)?.row])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
    for (const name of ['BeginCompensation', 'RefundPayment', 'ReleaseInventory', 'MarkOrderFailed', 'OrderFailed']) expect(node(name)?.lane).toBe(1);
    expect(graph.edges).toContainEqual({ from: 'ProcessPayment', to: 'BeginCompensation', kind: 'catch' });
    expect(node('ProcessPayment')?.retries).toBe(true);
  });

  it('gives every state a place of its own, the path to a person in a column right of the compensation', () => {
    const places = graph.nodes.map((n) => `${n.lane}/${n.row}`);
    expect(new Set(places).size).toBe(places.length);
    for (const name of ['FlagNeedsAttention', 'PublishOrderNeedsAttention', 'NeedsAttention']) expect(node(name)?.lane).toBe(2);
    expect(node('AlreadyFinished')?.row).toBe(1);
  });

  it('names the broken reference in a definition that cannot be drawn', () => {
    expect(() => buildSagaGraph('m', { StartAt: 'A', States: { A: { Type: 'Task', Next: 'B' } } })).toThrow(
      new GraphDefinitionError('state machine m: A goes to B, which is not a state'),
    );
    expect(() => buildSagaGraph('m', { StartAt: 'X', States: {} })).toThrow(GraphDefinitionError);
  });
});
