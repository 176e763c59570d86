import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../local-cloud/local-cloud';
import { deleteTables } from '../local-cloud/tables';

export interface InProcessCloud {
  readonly cloud: LocalCloud;
  /** Stops the cloud, deletes its tables from the shared engine and its state folder. */
  stop(): Promise<void>;
}

/**
 * The whole local cloud of `npm start`, in the test's own process, on jest's
 * shared DynamoDB Local (tables of a stage of its own, named after `name`)
 * and on ephemeral ports, with the waits that only slow a test taken out:
 * no state machine retry waits, a fast stream poll, immediate stream retries.
 * `options` adds to or overrides any of that.
 *
 * @example
 *   const { cloud, stop } = await startInProcessCloud('e2e', { log: new HopLog({ write }) });
 */
export async function startInProcessCloud(name: string, options: Partial<LocalCloudOptions> = {}): Promise<InProcessCloud> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `sdp-${name}-`));
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      dynamodbEndpoint: process.env.SDP_DYNAMODB_ENDPOINT,
      stage: `${name}${process.pid.toString(36)}`,
      apiPort: 0,
      sfnPort: 0,
      stateDir,
      stateMachineRetryWaitMs: 0,
      streamPollIntervalMs: 50,
      streamRetryDelayMs: () => 0,
      ...options,
    });
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  return {
    cloud,
    async stop() {
      await cloud.stop();
      const dynamodb = new DynamoDBClient({
        endpoint: cloud.dynamodbEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        await deleteTables(dynamodb, cloud.config);
      } finally {
        dynamodb.destroy();
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  };
}
