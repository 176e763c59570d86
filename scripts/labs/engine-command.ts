/**
 * npm run engine:stop   stops the DynamoDB Local that check:lab keeps running
 *                       in the background (scripts/labs/background-engine.ts).
 *
 * Safe to run at any time: with no engine running it says so and exits 0.
 * `npm run doctor` shows the engine (pid, port, age).
 */
import '../local-cloud/quiet-sdk';
import { backgroundEngineStatus, stopBackgroundEngine } from './background-engine';

async function main(): Promise<number> {
  const status = backgroundEngineStatus();
  const stopped = await stopBackgroundEngine();
  if (stopped && status) console.log(`Stopped the background DynamoDB Local (pid ${status.state.enginePid}, port ${status.state.port}).`);
  else console.log('No background DynamoDB Local was running.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
