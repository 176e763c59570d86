import { UsageError } from '../cli-args';
import { parseStartArgs } from '../local-cloud/start-args';

/** npm start's dashboard options: on by default at 3001, another port, or off. */
describe('npm start dashboard options', () => {
  it('serves the dashboard on 3001 unless told otherwise', () => {
    expect(parseStartArgs([]).dashboardPort).toBe(3001);
    expect(parseStartArgs(['--dashboard-port', '4170']).dashboardPort).toBe(4170);
  });

  it('turns the dashboard off with --no-dashboard', () => {
    expect(parseStartArgs(['--no-dashboard']).dashboardPort).toBeUndefined();
  });

  it('refuses a dashboard port that clashes, is not a port, or comes with --no-dashboard', () => {
    expect(() => parseStartArgs(['--api-port', '3001'])).toThrow(/--dashboard-port must differ \(got 3001, 8083, 8000, 3001\)/);
    expect(() => parseStartArgs(['--dashboard-port', 'x'])).toThrow(new UsageError('--dashboard-port must be a whole number from 1 to 65535, got "x"'));
    expect(() => parseStartArgs(['--no-dashboard', '--dashboard-port', '4170'])).toThrow(/cannot be used together/);
  });

  it('lets the API use 3001 when the dashboard moves or is off', () => {
    expect(parseStartArgs(['--api-port', '3001', '--dashboard-port', '3002'])).toMatchObject({ apiPort: 3001, dashboardPort: 3002 });
    expect(parseStartArgs(['--api-port', '3001', '--no-dashboard'])).toMatchObject({ apiPort: 3001 });
  });
});
