import { readFileSync } from 'node:fs';
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ENDPOINT_VARIABLE, InvalidDynamoDbEndpointError, externalDynamoDbEndpoint } from './dynamodb-endpoint';
import { loopbackCommand } from './dynamodb-loopback';
import { type LocalCloud, startLocalCloud } from './local-cloud';
import { freePort } from './ports';

/**
 * Every socket that listens on `port`, as the kernel reports it. Read from
 * /proc/net/tcp{,6} rather than `ss`, which is not installed everywhere.
 * IPv4 addresses are little-endian hex; IPv6 are four little-endian words.
 */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A = LISTEN
      const [hex, portHex] = local.split(':');
      if (Number.parseInt(portHex, 16) === port) found.push(hex);
    }
  }
  return found;
}

/** 127.0.0.0/8, ::1 or ::ffff:127.x.x.x, in /proc's byte order. */
function isLoopback(hex: string): boolean {
  if (hex.length === 8) return hex.endsWith('7F');
  return hex === '00000000000000000000000001000000' || (hex.startsWith('0000000000000000FFFF0000') && hex.endsWith('7F'));
}

// /proc/net is Linux's; macOS and Windows have no equivalent file to read.
const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('nothing npm start starts is reachable from other machines (Linux: reads /proc/net)', () => {
  let cloud: LocalCloud | undefined;
  let stateDir: string;
  afterAll(async () => {
    await cloud?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('the API, Step Functions and its own DynamoDB Local listen on loopback addresses only', async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'sdp-loopback-'));
    const dynamodbPort = await freePort();
    cloud = await startLocalCloud({ stage: `lb${process.pid.toString(36)}`, apiPort: 0, sfnPort: 0, dynamodbPort, stateDir, streamPollIntervalMs: 50 });
    const ports = [Number(new URL(cloud.apiUrl).port), Number(new URL(cloud.sfnEndpoint).port), dynamodbPort];
    for (const port of ports) {
      const addresses = listeningAddresses(port);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.filter((hex) => !isLoopback(hex))).toEqual([]);
    }
  }, 60_000);
});

describe('the loopback launcher command', () => {
  it('runs the launcher class with DynamoDB Local on the classpath, in memory and shared', () => {
    const { command, args, cwd } = loopbackCommand('/cache/abc', { port: 8123, engineDir: '/engine' });
    expect(command).toBe('java');
    expect(cwd).toBe('/engine');
    expect(args).toEqual([
      '-Djava.library.path=DynamoDBLocal_lib',
      '-cp',
      `DynamoDBLocal.jar${path.delimiter}/cache/abc`,
      'LoopbackDynamoDbLocal',
      '-port',
      '8123',
      '-inMemory',
      '-sharedDb',
    ]);
  });

  it('keeps data in the --persist folder instead of memory', () => {
    const { args } = loopbackCommand('/cache/abc', { port: 8123, dataPath: '/data', engineDir: '/engine' });
    expect(args).toContain('-dbPath');
    expect(args).not.toContain('-inMemory');
  });
});

describe('SDP_DYNAMODB_ENDPOINT (the Docker route)', () => {
  it('is unset by default, so the tools start DynamoDB Local with Java', () => {
    expect(externalDynamoDbEndpoint({})).toBeUndefined();
  });

  it('accepts the URL of a DynamoDB Local the learner started with Docker', () => {
    expect(externalDynamoDbEndpoint({ [ENDPOINT_VARIABLE]: ' http://127.0.0.1:8000/ ' })).toBe('http://127.0.0.1:8000');
  });

  it.each([
    ['127.0.0.1:8000', /is not a URL|must start with http/],
    ['ftp://127.0.0.1:8000', /must start with http/],
    ['http://127.0.0.1:8000/shell', /must not have a path/],
  ])('refuses %s, naming the variable and the Docker command', (value, reason) => {
    expect(() => externalDynamoDbEndpoint({ [ENDPOINT_VARIABLE]: value })).toThrow(InvalidDynamoDbEndpointError);
    expect(() => externalDynamoDbEndpoint({ [ENDPOINT_VARIABLE]: value })).toThrow(reason);
    expect(() => externalDynamoDbEndpoint({ [ENDPOINT_VARIABLE]: value })).toThrow(/SDP_DYNAMODB_ENDPOINT.*docker run --rm -p 127\.0\.0\.1:8000:8000/);
  });
});
