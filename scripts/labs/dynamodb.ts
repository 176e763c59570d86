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
 * engine (npm start, the Docker route, or a jest run testing the checker),
 * that one is used and left running: none is ever started.
 *
 * With `background` (check:lab), the engine outlives the check: it is found
 * again by the next one, saving the start-up (background-engine.ts). Where a
 * background engine cannot run, this falls back to an engine per check.
 */
export interface SharedDynamoDb {
  /** Resolves with the endpoint once the engine is launched; rejects at once if it cannot be (e.g. JavaMissingError). */
  readonly launched: Promise<string>;
  /** Resolves with the endpoint once the engine answers; rejects if it never does. */
  readonly ready: Promise<string>;
  /** Stops an engine this module started; the signal is sent at once, the promise waits for the exit. A background engine is left running. */
  stop(): Promise<void>;
  /** For a background engine started by this check: one line saying it runs, and how to stop it. */
  notice?(): Promise<string | undefined>;
}

export interface SharedDynamoDbOptions {
  /** Keep the engine running for the next check (check:lab). */
  readonly background?: boolean;
}

/** Where jest-global-setup.ts finds `launched` (jest runs global setup in this same process). */
export const LAUNCHED_GLOBAL = '__sdpDynamoDbLaunched__';

export function startSharedDynamoDb(options: SharedDynamoDbOptions = {}): SharedDynamoDb {
  const existing = process.env.SDP_DYNAMODB_ENDPOINT;
  if (existing) return publish({ launched: Promise.resolve(existing), ready: Promise.resolve(existing), stop: async () => undefined });
  if (options.background && process.env.SDP_BACKGROUND_ENGINE !== '0') return startBackground();
  return startOwn();
}

function startOwn(): SharedDynamoDb {
  let announce: (endpoint: string) => void = () => undefined;
  const launchedOnly = new Promise<string>((resolve) => (announce = resolve));
  const engine: Promise<DynamoDbLocal> = (async () => {
    // require, not import(): check:lab runs under tsx's CommonJS hook only (see package.json), which import() bypasses.
    const { JavaMissingError, javaAvailable, startDynamoDbLocal } = require('../local-cloud/dynamodb-local') as typeof import('../local-cloud/dynamodb-local');
    const { freePort } = require('../local-cloud/ports') as typeof import('../local-cloud/ports');
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

/**
 * The background engine, found again or started; an engine of its own for
 * this check where a background one cannot run (no launcher, Windows). Each
 * later jest run of the same process (--watch) claims it again, so an
 * engine stopped meanwhile (engine:stop, idle) is replaced, not used dead.
 */
function startBackground(): SharedDynamoDb {
  const engine = Promise.resolve().then(() => require('./background-engine') as typeof import('./background-engine'));
  let fallback: SharedDynamoDb | undefined;
  const acquire = async () => {
    try {
      return await (await engine).acquireBackgroundEngine();
    } catch {
      // Cannot run here (no launcher, Windows), or its files cannot be used: an engine of its own, as before.
      return undefined;
    }
  };
  const first = acquire();
  const launched = first.then(async (acquired) => {
    if (acquired) return acquired.endpoint;
    fallback = startOwn();
    return fallback.launched;
  });
  const ready = first.then(async (acquired) => (acquired ? acquired.ready : (fallback ?? startOwn()).ready));
  launched.catch(() => undefined);
  ready.catch(() => undefined);
  let runs = 0;
  const launchedForRun = async (): Promise<string> => {
    runs += 1;
    if (runs === 1 || fallback) return launched;
    const again = await acquire();
    return again ? again.endpoint : launched;
  };
  // Keeps it from idling out under a long --watch session without saves.
  const keepAlive = setInterval(() => void engine.then((e) => e.markEngineUsed()), 60_000);
  keepAlive.unref();
  (globalThis as Record<string, unknown>)[LAUNCHED_GLOBAL] = launchedForRun;
  return {
    launched,
    ready,
    stop: async () => {
      clearInterval(keepAlive);
      delete process.env.SDP_DYNAMODB_ENDPOINT;
      (await engine).markEngineUsed(); // the idle time counts from the end of the check
      await fallback?.stop();
    },
    notice: async () => {
      const acquired = await first.catch(() => undefined);
      if (!acquired?.started) return undefined;
      const minutes = Math.round(acquired.state.idleMs / 60_000);
      return `DynamoDB Local keeps running in the background for your next check (pid ${acquired.state.enginePid}, port ${acquired.state.port}); it stops after ${minutes} min without checks, or now with: npm run engine:stop`;
    },
  };
}

function publish(db: SharedDynamoDb): SharedDynamoDb {
  (globalThis as Record<string, unknown>)[LAUNCHED_GLOBAL] = () => db.launched;
  return db;
}

/** The error a promise rejected with, or undefined if it resolved. */
export async function failureOf(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}
