import './shims';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { LocalLambdaRuntime } from './lambda-runtime';
import { lambdaArn } from './local-arns';
import type { ServiceConfig, StateMachineConfig } from './serverless-config';
import { definitionKey, recallValidated, rememberValidated } from './validated-definitions';

export const EVENTBRIDGE_PUT_EVENTS = 'arn:aws:states:::events:putEvents';

export interface PublishedEvent {
  readonly EventBusName: string;
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: unknown;
}

export interface CompiledStateMachine {
  readonly machine: StateMachine;
  /** Task state name -> the serverless.yml function it invokes. */
  readonly taskFunctions: Readonly<Record<string, string>>;
  /** Task states that put events on the EventBridge bus. */
  readonly eventTasks: readonly string[];
  /** States that have a Retry policy (so tests can remove the waits). */
  readonly retryingStates: readonly string[];
}

/**
 * Turns the definition from serverless.yml into a runnable local state
 * machine. Lambda tasks written as `!GetAtt fn.Arn` become that function's
 * ARN, and each Task is mapped to run the real handler in-process.
 */
export function compileStateMachine(config: ServiceConfig, machineConfig: StateMachineConfig): CompiledStateMachine {
  const taskFunctions: Record<string, string> = {};
  const eventTasks: string[] = [];
  const retryingStates: string[] = [];
  const states: Record<string, any> = {};
  for (const [stateName, state] of Object.entries<any>(machineConfig.definition.States)) {
    const copy = { ...state };
    if (state.Retry) retryingStates.push(stateName);
    if (state.Type === 'Task') {
      const resource = state.Resource;
      if (resource && typeof resource === 'object' && 'Fn::GetAtt' in resource) {
        const functionName = resource['Fn::GetAtt'][0];
        if (!config.functions[functionName]) throw new Error(`State ${stateName} invokes ${functionName}, which serverless.yml does not declare`);
        taskFunctions[stateName] = functionName;
        copy.Resource = lambdaArn(config, functionName);
      } else if (resource === EVENTBRIDGE_PUT_EVENTS) {
        eventTasks.push(stateName);
      } else {
        throw new Error(`State ${stateName}: the local cloud runs Lambda (!GetAtt fn.Arn) and ${EVENTBRIDGE_PUT_EVENTS} tasks only`);
      }
    }
    states[stateName] = copy;
  }
  const definition = { ...machineConfig.definition, States: states } as StateMachineDefinition;
  // Validated once per definition, not per test file (validated-definitions.ts says why).
  // The key is taken before construction: StateMachine adds to the definition it is given.
  const key = definitionKey(definition, config.stage);
  const validated = recallValidated(key, config.stage);
  const machine = validated
    ? new StateMachine(validated as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } })
    : new StateMachine(definition);
  if (!validated) rememberValidated(key, definition, config.stage); // as validation left it
  return { machine, taskFunctions, eventTasks, retryingStates };
}

export interface TaskBindings {
  readonly runtime: LocalLambdaRuntime;
  readonly publish: (entries: readonly PublishedEvent[]) => void;
  /** Replace every Retry wait with this many milliseconds (0 in tests). */
  readonly retryIntervalMs?: number;
}

/** The aws-local-stepfunctions run options that bind tasks to local handlers and the local event bus. */
export function runOptions(compiled: CompiledStateMachine, bindings: TaskBindings) {
  const taskResourceLocalHandlers: Record<string, (input: any) => Promise<any>> = {};
  for (const [stateName, functionName] of Object.entries(compiled.taskFunctions)) {
    taskResourceLocalHandlers[stateName] = (input) => bindings.runtime.invoke(functionName, input) as Promise<any>;
  }
  for (const stateName of compiled.eventTasks) {
    taskResourceLocalHandlers[stateName] = async (input: { Entries?: PublishedEvent[] }) => {
      const entries = input.Entries ?? [];
      bindings.publish(entries);
      return { Entries: entries.map((_, i) => ({ EventId: `local-event-${Date.now()}-${i}` })), FailedEntryCount: 0 };
    };
  }
  const retryIntervalOverrides =
    bindings.retryIntervalMs === undefined ? undefined : Object.fromEntries(compiled.retryingStates.map((name) => [name, bindings.retryIntervalMs as number]));
  return { overrides: { taskResourceLocalHandlers, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) } };
}
