/**
 * `npm run deploy -- --stage <name>` and `npm run remove -- --stage <name>`:
 * Serverless deploy/remove of solution/, refused without an explicit stage
 * (deploy-command.ts says why). Other options (e.g. --region) pass through.
 */
import { spawnSync } from 'node:child_process';
import { UsageError } from '../cli-args';
import { type Action, slsCommand } from './deploy-command';

const [action, ...argv] = process.argv.slice(2);
try {
  if (action !== 'deploy' && action !== 'remove') throw new UsageError(`first argument must be deploy or remove, got "${action ?? ''}"`);
  const { command, args, cwd, stage } = slsCommand(action as Action, argv);
  console.log(`${action === 'deploy' ? 'Deploying' : 'Removing'} stage "${stage}"…`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  process.exit(result.status ?? 1);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${action ?? 'deploy'}: ${error.message}`);
  process.exit(2);
}
