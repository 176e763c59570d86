import type { EngineStatus } from '../labs/background-engine';
import { checkBackgroundEngine } from './checks';

/** `npm run doctor` shows check:lab's background engine, so nothing runs unseen. */
const state = {
  supervisorPid: 10,
  enginePid: 11,
  port: 45678,
  startedAt: '2026-11-27T10:00:00.000Z',
  version: 'v',
  idleMs: 30 * 60_000,
  logFile: 'engine.log',
};

describe('the doctor on the background DynamoDB Local', () => {
  it('shows a running engine with its pid, port, age and how to stop it', () => {
    const status: EngineStatus = { state, running: true, ageMs: 12 * 60_000, idleForMs: 2 * 60_000 };
    const result = checkBackgroundEngine(() => status);
    expect(result.outcome).toBe('ok');
    expect(result.title).toContain('pid 11');
    expect(result.title).toContain('port 45678');
    expect(result.title).toContain('up 12 min');
    expect(result.title).toContain('idle 2 min of 30 min');
    expect(result.title).toContain('npm run engine:stop');
  });

  it('says when none runs', () => {
    expect(checkBackgroundEngine(() => undefined)).toMatchObject({ outcome: 'ok', title: expect.stringMatching(/No background DynamoDB Local running/) });
  });

  it('warns about a recorded engine that no longer runs, and says nothing needs doing', () => {
    const result = checkBackgroundEngine(() => ({ state, running: false, ageMs: 0, idleForMs: 0 }));
    expect(result.outcome).toBe('warn');
    expect(result.fix).toMatch(/next check starts a fresh one/);
  });
});
