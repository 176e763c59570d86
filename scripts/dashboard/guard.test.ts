import { checkRequest } from './guard';

/** Who may use the dashboard: its own page on loopback, nobody else (CSRF and DNS rebinding). */
const PORT = 3001;

describe('dashboard request guard', () => {
  it.each(['localhost:3001', '127.0.0.1:3001', '[::1]:3001', 'LOCALHOST:3001'])('lets the page read with Host %s', (host) => {
    expect(checkRequest({ method: 'GET', host }, PORT)).toEqual({ ok: true });
  });

  it.each([['evil.example:3001'], ['attacker.example'], ['localhost:3002'], ['localhost'], [undefined]])(
    'refuses Host %s, as a DNS-rebinding page would send',
    (host) => {
      const verdict = checkRequest({ method: 'GET', host }, PORT);
      expect(verdict.ok).toBe(false);
    },
  );

  it('lets a control request from its own page through', () => {
    expect(checkRequest({ method: 'POST', host: 'localhost:3001', origin: 'http://localhost:3001' }, PORT)).toEqual({ ok: true });
    expect(checkRequest({ method: 'POST', host: '127.0.0.1:3001', origin: 'http://127.0.0.1:3001' }, PORT)).toEqual({ ok: true });
  });

  it.each([
    ['another website', 'https://evil.example'],
    ['a page on another local port', 'http://localhost:8080'],
    ['a sandboxed frame', 'null'],
    ['a look-alike with a path', 'http://localhost:3001/x'],
    ['https on the same port', 'https://localhost:3001'],
  ])('refuses a control request from %s', (_what, origin) => {
    const verdict = checkRequest({ method: 'POST', host: 'localhost:3001', origin }, PORT);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('Origin') });
  });

  it('refuses a control request with no Origin at all', () => {
    expect(checkRequest({ method: 'POST', host: 'localhost:3001' }, PORT)).toMatchObject({ ok: false, reason: expect.stringContaining('no Origin') });
  });
});
