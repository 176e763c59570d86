import path from 'node:path';
import { UsageError } from '../cli-args';
import { runScript } from '../test-support/run-script';
import { MissingStageError, slsCommand } from './deploy-command';

describe('npm run deploy / npm run remove', () => {
  it.each(['deploy', 'remove'])('%s refuses without an explicit --stage, says why, and exits 2 before contacting AWS', async (action) => {
    // No credentials and an unreachable endpoint: were anything sent, it would fail differently.
    const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const result = await runScript('class/deploy.ts', [action], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`npm run ${action} needs an explicit --stage`));
    expect(result.stderr).toMatch(/share one AWS account/);
    expect(result.stderr).toMatch(/Nothing was sent to AWS/);
    expect(result.stdout).not.toMatch(/Deploying|Removing/);
  });

  it('builds the Serverless command for the named stage, passing other options through', () => {
    const command = slsCommand('remove', ['--stage', 'ada', '--region', 'eu-west-1'], '/usr/bin/node');
    expect(command.command).toBe('/usr/bin/node');
    expect(command.args.slice(1)).toEqual(['remove', '--stage', 'ada', '--region', 'eu-west-1']);
    expect(command.args[0]).toMatch(/serverless[/\\]bin[/\\]serverless\.js$/);
    expect(command.cwd).toBe(path.resolve(__dirname, '../../solution'));
    expect(slsCommand('deploy', ['--stage=bob']).stage).toBe('bob');
    expect(slsCommand('deploy', ['-s', 'cy']).stage).toBe('cy');
  });

  it('refuses a missing stage, a stage without a value and a stage that would break IAM names', () => {
    expect(() => slsCommand('deploy', ['--region', 'eu-west-1'])).toThrow(MissingStageError);
    expect(() => slsCommand('deploy', ['--stage'])).toThrow(/--stage needs a value/);
    expect(() => slsCommand('deploy', ['--stage', 'Ada_Lovelace'])).toThrow(UsageError);
  });
});
