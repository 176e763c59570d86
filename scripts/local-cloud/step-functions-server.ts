import http from 'node:http';
import { listenOn } from './ports';
import { type LocalExecution, type LocalStepFunctions, StepFunctionsApiError } from './step-functions';

/**
 * A small HTTP endpoint that speaks the Step Functions JSON protocol
 * (`X-Amz-Target: AWSStepFunctions.<Operation>`, application/x-amz-json-1.0),
 * so the relay's real @aws-sdk/client-sfn call and the AWS CLI
 * (`--endpoint-url`) both work against the local state machine.
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
    ListExecutions: (body) => ({
      executions: service
        .listExecutions(body.stateMachineArn, body.statusFilter)
        .slice(0, body.maxResults || 1000)
        .map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: epoch(e.stopDate) })),
    }),
    GetExecutionHistory: (body) => {
      const events = service.describeExecution(body.executionArn).history.map((event) => ({ ...event, timestamp: epoch(event.timestamp) }));
      return { events: body.reverseOrder ? [...events].reverse() : events };
    },
    ListStateMachines: () => ({
      stateMachines: service.listStateMachines().map((m) => ({ ...m, creationDate: epoch(m.creationDate) })),
    }),
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
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(body));
      };
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = ops[target.replace(/^AWSStepFunctions\./, '')];
      if (!operation) {
        return send(400, { __type: 'UnknownOperationException', message: `The local Step Functions endpoint does not support ${target || 'this request'}` });
      }
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        send(200, operation(text ? JSON.parse(text) : {}));
      } catch (error) {
        if (error instanceof StepFunctionsApiError) return send(400, { __type: error.name, message: error.message });
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
