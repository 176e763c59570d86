import net from 'node:net';
import { runScript } from '../test-support/run-script';
import { checkNode, checkPorts, javaMajorVersion } from './checks';

/** `npm run doctor`, as a learner runs it before the workshop. */
const doctor = (args: string[], env: NodeJS.ProcessEnv = process.env) => runScript('doctor.ts', args, env);

describe('npm run doctor', () => {
  it('says the machine is ready when Node, the packages, Java and serverless.yml are fine', async () => {
    const result = await doctor(['--quick']);
    expect(result.stdout).toMatch(/✔ Node\.js \d+/);
    expect(result.stdout).toMatch(/✔ npm packages installed/);
    expect(result.stdout).toMatch(/✔ Java \d+/);
    expect(result.stdout).toMatch(/✔ solution\/serverless\.yml: 5 tables/);
    expect(result.stdout).toMatch(/Ready for the workshop/);
    expect(result.code).toBe(0);
  });

  it('names a missing Java, says how to install it, and exits 1', async () => {
    const result = await doctor(['--quick'], { ...process.env, PATH: '/nonexistent' });
    expect(result.stdout).toMatch(/✘ Java was not found on PATH/);
    expect(result.stdout).toMatch(/openjdk-17-jre-headless/);
    expect(result.code).toBe(1);
  });

  it('refuses an unknown option with exit status 2', async () => {
    const result = await doctor(['--fast']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option --fast/);
  });

  it('warns, without failing, about a port that is already taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const [result] = await checkPorts({ API: port });
      expect(result).toMatchObject({ outcome: 'warn', title: expect.stringContaining(`Port ${port} (API) is already in use`) });
    } finally {
      server.close();
    }
  });

  it('reads Java versions in both the modern and the 1.x style', () => {
    expect(javaMajorVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajorVersion('java version "1.8.0_392"')).toBe(8);
    expect(javaMajorVersion('no version here')).toBeUndefined();
  });

  it('fails Node.js older than 20', () => {
    expect(checkNode('18.19.0').outcome).toBe('fail');
    expect(checkNode('20.0.0').outcome).toBe('ok');
    expect(checkNode('22.3.0').outcome).toBe('ok');
  });
});
