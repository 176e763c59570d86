import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from '../test-support/run-script';
import { LISTERS, type Leftover, SERVICE, deleteCommands, listLeftovers, stageOf } from './class-resources';

/**
 * No AWS account is reachable from tests, so the AWS CLI is replaced by a
 * stand-in that answers the listing calls with what the real CLI prints
 * (its --query output) and records every call: the commands are what is
 * under test.
 */
const CANNED: Record<string, unknown> = {
  cloudformation: [`${SERVICE}-ada`],
  s3api: [`${SERVICE}-ada-serverlessdeploymentbuck-1x2y3z`],
  dynamodb: [`${SERVICE}-orders-table-ada`, `${SERVICE}-orders-table-bob`],
  lambda: [`${SERVICE}-bob-createOrder`],
  logs: [`/aws/lambda/${SERVICE}-bob-createOrder`],
  apigateway: [['a1b2c3', `bob-${SERVICE}`]],
  stepfunctions: [[`arn:aws:states:us-east-1:123456789012:stateMachine:${SERVICE}-order-saga-bob`, `${SERVICE}-order-saga-bob`]],
  sqs: [`https://sqs.us-east-1.amazonaws.com/123456789012/${SERVICE}-outbox-relay-failures-bob`],
  events: [`${SERVICE}-events-bob`],
  iam: [`${SERVICE}-bob-createOrder-us-east-1-lambdaRole`],
};
const stub = (args: string[]) => JSON.stringify(CANNED[args[0]] ?? null);

describe('class inventory and clean-up (AWS CLI commands)', () => {
  it('lists stacks, buckets, tables, functions, log groups, REST APIs, state machines, queues, buses and roles, all by the service name', () => {
    expect(LISTERS.map((l) => l.kind)).toEqual([
      'stack',
      'bucket',
      'table',
      'function',
      'log group',
      'REST API',
      'state machine',
      'queue',
      'event bus',
      'role',
    ]);
    for (const lister of LISTERS) {
      const args = lister.args('eu-west-1');
      expect(args.join(' ')).toContain(SERVICE);
      expect(args).toEqual(expect.arrayContaining(['--region', 'eu-west-1', '--output', 'json']));
    }
  });

  it('finds what every stage left behind and tells the stages apart', () => {
    const items = listLeftovers('us-east-1', stub);
    expect(items).toHaveLength(11);
    const stages = new Map(items.map((item) => [`${item.kind} ${item.name}`, stageOf(item)]));
    expect(stages.get(`stack ${SERVICE}-ada`)).toBe('ada');
    expect(stages.get(`bucket ${SERVICE}-ada-serverlessdeploymentbuck-1x2y3z`)).toBe('ada');
    expect(stages.get(`table ${SERVICE}-orders-table-bob`)).toBe('bob');
    expect(stages.get(`log group /aws/lambda/${SERVICE}-bob-createOrder`)).toBe('bob');
    expect(stages.get(`REST API bob-${SERVICE}`)).toBe('bob');
    expect(stages.get(`queue ${SERVICE}-outbox-relay-failures-bob`)).toBe('bob');
    expect(stages.get(`role ${SERVICE}-bob-createOrder-us-east-1-lambdaRole`)).toBe('bob');
  });

  it('deletes a stack and waits for it; empties a bucket before deleting it; leaves roles to their stack', () => {
    const region = 'eu-west-1';
    const item = (kind: Leftover['kind'], id: string): Leftover => ({ kind, id, name: id });
    expect(deleteCommands(item('stack', 's'), region)).toEqual([
      ['cloudformation', 'delete-stack', '--stack-name', 's', '--region', region],
      ['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 's', '--region', region],
    ]);
    expect(deleteCommands(item('bucket', 'b'), region)).toEqual([['s3', 'rb', 's3://b', '--force', '--region', region]]);
    expect(deleteCommands(item('REST API', 'a1b2c3'), region)[0]).toContain('delete-rest-api');
    expect(deleteCommands(item('role', 'r'), region)).toEqual([]);
  });
});

// The stand-in CLI is an executable script found on PATH: a Unix mechanism.
const onUnix = process.platform === 'win32' ? describe.skip : describe;

onUnix('npm run class:inventory / class:cleanup (stand-in AWS CLI on PATH; skipped on Windows)', () => {
  let dir: string;
  let calls: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-fake-aws-'));
    calls = path.join(dir, 'calls.log');
    writeFileSync(
      path.join(dir, 'aws'),
      `#!${process.execPath}\nconst fs = require('fs');\nconst args = process.argv.slice(2);\nfs.appendFileSync(${JSON.stringify(calls)}, args.join(' ') + '\\n');\nconst canned = ${JSON.stringify(CANNED)};\nprocess.stdout.write(JSON.stringify(canned[args[0]] ?? null));\n`,
    );
    chmodSync(path.join(dir, 'aws'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the inventory groups leftovers by stage', async () => {
    const result = await runScript('class/class.ts', ['inventory', '--region', 'us-east-1'], { ...process.env, PATH: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/11 resource\(s\) of distributed-patterns-demo in us-east-1, 2 stage\(s\)/);
    expect(result.stdout).toMatch(/stage ada[\s\S]*stage bob/);
  });

  it('the clean-up without --yes deletes nothing and says how to', async () => {
    writeFileSync(calls, '');
    const result = await runScript('class/class.ts', ['cleanup', '--region', 'us-east-1'], { ...process.env, PATH: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Would delete 10 .*add --yes/);
    expect(readFileSync(calls, 'utf8')).not.toMatch(/delete|rb /);
  });

  it('says how to install the AWS CLI when it is missing', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'sdp-no-aws-'));
    try {
      const result = await runScript('class/class.ts', ['inventory'], { ...process.env, PATH: empty });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/AWS CLI \(`aws`\) was not found on PATH\. Install v2/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
