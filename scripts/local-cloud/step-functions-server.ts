import http from 'node:http';
import { EVENTBRIDGE_TARGET_PREFIX, EventBridgeApiError, eventBridgeOperations } from './local-eventbridge';
import { listenOn } from './ports';
import { PagingError, pageOf } from './paging';
import { type LocalExecution, type LocalStepFunctions, StepFunctionsApiError } from './step-functions';

/**
 * A small HTTP endpoint that speaks the Step Functions JSON protocol
 * (`X-Amz-Target: AWSStepFunctions.<Operation>`, application/x-amz-json-1.0),
 * so the relay's real @aws-sdk/client-sfn call and the AWS CLI
 * (`--endpoint-url`) both work against the local state machine.
 *
 * It also answers EventBridge's `AWSEvents.PutEvents` (JSON 1.1), recording
 * the events where the saga's own events:putEvents tasks land: see
 * local-eventbridge.ts. One server, one port, two services, told apart by
 * X-Amz-Target as AWS's own endpoints are.
 */
const epoch = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

function describe(execution: LocalExecution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epoch(execution.startDate),
    stopDate: epoch(execution.stopDate),
    input: execution.input,
    output: execution.output,
    error: execution.error,
    cause: execution.cause,
    redriveCount: execution.redriveCount,
    redriveDate: epoch(execution.redriveDate),
    redriveStatus: ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status) ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
  };
}

type Operation = (body: any) => unknown;

function operations(service: LocalStepFunctions): Record<string, Operation> {
  return {
    StartExecution: (body) => {
      const execution = service.startExecution({ stateMachineArn: body.stateMachineArn, name: body.name, input: body.input });
      return { executionArn: execution.executionArn, startDate: epoch(execution.startDate) };
    },
    DescribeExecution: (body) => describe(service.describeExecution(body.executionArn)),
    RedriveExecution: (body) => ({ redriveDate: epoch(service.redriveExecution(body.executionArn).redriveDate) }),
    StopExecution: (body) => ({ stopDate: epoch(service.stopExecution(body.executionArn, { error: body.error, cause: body.cause }).stopDate) }),
    DescribeStateMachineForExecution: (body) => {
      const machine = service.describeStateMachineForExecution(body.executionArn);
      return { ...machine, updateDate: epoch(machine.updateDate) };
    },
    ListExecutions: (body) => {
      const page = service.listExecutions(body.stateMachineArn, { statusFilter: body.statusFilter, maxResults: body.maxResults, nextToken: body.nextToken });
      return {
        executions: page.items.map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epoch(e.startDate),
          stopDate: epoch(e.stopDate),
          redriveCount: e.redriveCount,
          redriveDate: epoch(e.redriveDate),
        })),
        nextToken: page.nextToken,
      };
    },
    GetExecutionHistory: (body) => {
      const page = service.getExecutionHistory(body.executionArn, {
        maxResults: body.maxResults,
        nextToken: body.nextToken,
        reverseOrder: Boolean(body.reverseOrder),
      });
      return { events: page.items.map((event) => ({ ...event, timestamp: epoch(event.timestamp) })), nextToken: page.nextToken };
    },
    ListStateMachines: (body) => {
      const machines = service.listStateMachines().map((m) => ({ ...m, creationDate: epoch(m.creationDate) }));
      const page = pageOf(machines, (m) => m.stateMachineArn, { maxResults: body.maxResults, nextToken: body.nextToken });
      return { stateMachines: page.items, nextToken: page.nextToken };
    },
    DescribeStateMachine: (body) => {
      const machine = service.describeStateMachine(body.stateMachineArn);
      return { ...machine, creationDate: epoch(machine.creationDate) };
    },
  };
}

export interface StepFunctionsServer {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startStepFunctionsServer(service: LocalStepFunctions, port = 0, host = '127.0.0.1'): Promise<StepFunctionsServer> {
  const ops = operations(service);
  const eventOps = eventBridgeOperations((entries) => service.publish(entries));
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const events = target.startsWith(EVENTBRIDGE_TARGET_PREFIX);
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': events ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(body));
      };
      const operation = events ? eventOps[target.slice(EVENTBRIDGE_TARGET_PREFIX.length)] : ops[target.replace(/^AWSStepFunctions\./, '')];
      if (!operation) {
        return send(400, {
          __type: 'UnknownOperationException',
          message: `The local ${events ? 'EventBridge' : 'Step Functions'} endpoint does not support ${target || 'this request'}`,
        });
      }
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        send(200, operation(text ? JSON.parse(text) : {}));
      } catch (error) {
        if (error instanceof StepFunctionsApiError)
          return send(error.name === 'ServiceUnavailable' ? 503 : 400, { __type: error.name, message: error.message });
        if (error instanceof EventBridgeApiError) return send(400, { __type: error.code, message: error.message });
        if (error instanceof PagingError) return send(400, { __type: error.code, message: error.message });
        if (error instanceof SyntaxError) return send(400, { __type: 'SerializationException', message: error.message });
        send(500, { __type: 'InternalFailure', message: (error as Error).message });
      }
    });
  });
  const actualPort = await listenOn(server, port, host, 'the Step Functions endpoint');
  return {
    endpoint: `http://${host}:${actualPort}`,
    port: actualPort,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
