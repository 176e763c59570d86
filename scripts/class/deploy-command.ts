import path from 'node:path';
import { UsageError, checkStage } from '../cli-args';

/**
 * `npm run deploy` / `npm run remove` with a required `--stage`.
 *
 * Why no default: in a class, learners share one AWS account. With a
 * default stage (it used to be `dev`), one learner's plain `npm run remove`
 * deletes whatever another deployed as `dev`, and two plain deploys
 * overwrite each other's stack. Naming the stage every time makes the
 * target visible in the command itself.
 */
export type Action = 'deploy' | 'remove';

export class MissingStageError extends UsageError {
  constructor(action: Action) {
    super(
      `npm run ${action} needs an explicit --stage, e.g. npm run ${action} -- --stage ada\n` +
        "  Why: learners often share one AWS account; a default stage would let one person's\n" +
        `  ${action} ${action === 'remove' ? 'delete' : 'overwrite'} another's deployment. Use your own stage (your IAM user name in a class).\n` +
        '  Nothing was sent to AWS.',
    );
    this.name = 'MissingStageError';
  }
}

const ROOT = path.resolve(__dirname, '../..');
const SLS = path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

export interface SlsCommand {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  readonly stage: string;
}

/** The Serverless command to run, or a UsageError (checked before anything contacts AWS). */
export function slsCommand(action: Action, argv: readonly string[], node = process.execPath): SlsCommand {
  let stage: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stage' || arg === '-s') {
      stage = argv[i + 1];
      if (stage === undefined || stage.startsWith('-')) throw new UsageError(`${arg} needs a value`);
      i++;
    } else if (arg.startsWith('--stage=')) {
      stage = arg.slice('--stage='.length);
    } else {
      rest.push(arg);
    }
  }
  if (stage === undefined) throw new MissingStageError(action);
  checkStage(stage);
  return { command: node, args: [SLS, action, '--stage', stage, ...rest], cwd: path.join(ROOT, 'solution'), stage };
}
