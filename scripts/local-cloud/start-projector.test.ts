import { type ChildProcess, spawn } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REPO_ROOT } from './local-cloud';
import { pollUntil } from './poll';
import { freePort } from './ports';
import { loadServiceConfig } from './serverless-config';
import { deleteTables } from './tables';
import { npmScriptCommand } from '../test-support/npm-script';

/**
 * `npm start -- --projector` with a demo setting given as an option, as an
 * instructor runs it in front of a class: the banner says the setting is on,
 * and every line, banner and hop log, fits 100 columns with short ids. It
 * uses the test run's DynamoDB Local (--dynamodb-endpoint, the Docker route's
 * option) under a stage of its own, so no Java starts here.
 */
const START_COMMAND = npmScriptCommand('start');
const stage = `pj${process.pid.toString(36)}`.slice(0, 10);
// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal colour codes (ESC [ … m) that the output carries
const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

let child: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGINT');
    await new Promise((resolve) => child?.once('close', resolve));
  }
  const dynamodb = new DynamoDBClient({
    endpoint: process.env.SDP_DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await deleteTables(dynamodb, loadServiceConfig({ stage }));
  dynamodb.destroy();
});

describe('npm start for a projector', () => {
  it('shows the demo settings given as options, short ids, and nothing wider than 100 columns', async () => {
    const [api, sfn] = [await freePort(), await freePort()];
    const args = ['--api-port', String(api), '--sfn-port', String(sfn), '--dynamodb-endpoint', String(process.env.SDP_DYNAMODB_ENDPOINT), '--no-dashboard'];
    child = spawn(
      START_COMMAND.command,
      [...START_COMMAND.args, ...args, '--stage', stage, '--projector', '--payment-decline-above', '100', '--retry-wait-ms', '0'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, FAULT_INJECTION: '', PAYMENT_DECLINE_ABOVE_CENTS: '' },
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await pollUntil(() => output.includes('Ctrl-C stops everything'), {
      timeoutMs: 40_000,
      intervalMs: 100,
      description: `npm start to be ready; output so far:\n${output}`,
    });

    const response = await fetch(`http://127.0.0.1:${api}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'projected', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] }),
    });
    const { orderId } = (await response.json()) as { orderId: string };
    await pollUntil(() => output.includes('✘ order FAILED'), { timeoutMs: 20_000, description: `the declined order's last line; output so far:\n${output}` });

    const text = strip(output);
    expect(text).toContain('⚠ DEMO SETTINGS ON');
    expect(text).toContain('PAYMENTS DECLINED above 100.00 (serverless.yml: 5,000.00)');
    expect(text).toContain(`order ${orderId.slice(0, 8)}  ReleaseInventory succeeded: returned 1 laptop to stock`);
    expect(text).toContain(`order ${orderId.slice(0, 8)}  OrderFailed published to`);
    expect(text).not.toContain(orderId);
    const wide = text.split('\n').filter((line) => [...line].length > 100);
    expect(wide).toEqual([]);
  }, 90_000);
});
