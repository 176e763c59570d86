import { ENDPOINT_VARIABLE } from '../local-cloud/dynamodb-endpoint';

/**
 * The environment for an `npm start` a test (or the reliability suite) runs
 * as a child process. jest's global setup names its shared engine in
 * SDP_DYNAMODB_ENDPOINT, and `npm start` would use that engine instead of
 * starting its own (the Docker route). A child that is meant to own its
 * engine (crash it, persist it, stop it with Ctrl-C) must not see the
 * variable, or two test files would share tables of the same stage.
 */
export function ownEngineEnvironment(base: NodeJS.ProcessEnv = process.env, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { [ENDPOINT_VARIABLE]: _shared, ...rest } = base;
  return { ...rest, ...extra };
}
