import type { DynamoDbLocal } from '../local-cloud/dynamodb-local';

/**
 * One DynamoDB Local for a whole check or verification: every test file
 * makes its own tables under a unique stage, so runs never see each other's
 * data.
 *
 * The engine is a Java process that takes about two seconds to answer, so
 * it is launched first and jest starts alongside it: jest's global setup for
 * the lab projects (jest-global-setup.ts) only waits until the engine is
 * launched (its port chosen, Java found), the test file's modules load
 * while it boots, and the first test waits until it answers
 * (jest-wait-for-dynamodb.ts). When SDP_DYNAMODB_ENDPOINT already names an
 * engine (npm start, or a jest run testing the checker), that one is used
 * and left running.
 */
export interface SharedDynamoDb {
  /** Resolves with the endpoint once the engine is launched; rejects at once if it cannot be (e.g. JavaMissingError). */
  readonly launched: Promise<string>;
  /** Resolves with the endpoint once the engine answers; rejects if it never does. */
  readonly ready: Promise<string>;
  /** Stops an engine this module started; the signal is sent at once, the promise waits for the exit. */
  stop(): Promise<void>;
}

/** Where jest-global-setup.ts finds `launched` (jest runs global setup in this same process). */
export const LAUNCHED_GLOBAL = '__sdpDynamoDbLaunched__';

export function startSharedDynamoDb(): SharedDynamoDb {
  const existing = process.env.SDP_DYNAMODB_ENDPOINT;
  if (existing) return publish({ launched: Promise.resolve(existing), ready: Promise.resolve(existing), stop: async () => undefined });

  let announce: (endpoint: string) => void = () => undefined;
  const launchedOnly = new Promise<string>((resolve) => (announce = resolve));
  const engine: Promise<DynamoDbLocal> = (async () => {
    const { JavaMissingError, javaAvailable, startDynamoDbLocal } = await import('../local-cloud/dynamodb-local');
    const { freePort } = await import('../local-cloud/ports');
    if (!javaAvailable()) throw new JavaMissingError();
    const port = await freePort();
    const started = startDynamoDbLocal({ port });
    const endpoint = `http://127.0.0.1:${port}`;
    // Every test's environment copies process.env after global setup: they all find this engine.
    process.env.SDP_DYNAMODB_ENDPOINT = endpoint;
    announce(endpoint);
    return started;
  })();
  const launched = Promise.race([launchedOnly, engine.then((e) => e.endpoint)]);
  const ready = engine.then((e) => e.endpoint);
  // Reported by whoever awaits them, never as unhandled rejections.
  launched.catch(() => undefined);
  ready.catch(() => undefined);
  return publish({
    launched,
    ready,
    stop: async () => {
      const started = await engine.catch(() => undefined);
      delete process.env.SDP_DYNAMODB_ENDPOINT;
      await started?.stop();
    },
  });
}

function publish(db: SharedDynamoDb): SharedDynamoDb {
  (globalThis as Record<string, unknown>)[LAUNCHED_GLOBAL] = db.launched;
  return db;
}

/** The error a promise rejected with, or undefined if it resolved. */
export async function failureOf(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}
