import { LAUNCHED_GLOBAL } from './dynamodb';

/**
 * Global setup of the jest projects check:lab and verify:labs build
 * (jest-run.ts). Jest runs it in the checker's own process before loading
 * any test: it waits only until the checker's DynamoDB Local is launched, so
 * a missing Java fails at once; each test file then waits for the engine to
 * answer (jest-wait-for-dynamodb.ts). Run any other way, it is the
 * repository's usual setup.
 */
export default async function labGlobalSetup(): Promise<void> {
  // A function: each jest run (a --watch re-run too) claims the engine again (dynamodb.ts).
  const launched = (globalThis as Record<string, unknown>)[LAUNCHED_GLOBAL] as (() => Promise<string>) | undefined;
  if (launched) {
    try {
      process.env.SDP_DYNAMODB_ENDPOINT = await launched();
    } catch (error) {
      // A copy: jest rewrites the message of the error it gets, and the checker still reports the original.
      throw new Error((error as Error).message, { cause: error });
    }
    return;
  }
  const { default: repositorySetup } = await import('../test-support/global-setup');
  await repositorySetup();
}
