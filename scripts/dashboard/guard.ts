/**
 * Who may talk to the dashboard. It listens on 127.0.0.1 only, but a page on
 * any website the presenter opens can still make the browser send requests to
 * 127.0.0.1 (cross-site request forgery), and a DNS-rebinding page can do it
 * under its own host name. So:
 * - every request must carry a Host that names this server on loopback
 *   (a rebinding attack arrives with the attacker's host name);
 * - a request that changes something (POST) must also carry an Origin that is
 *   this dashboard's own page (browsers always send Origin on POST).
 */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK_NAMES.map((name) => `${name}:${port}`));
}

export function checkRequest(request: { method: string; host?: string; origin?: string }, port: number): Verdict {
  const hosts = allowedHosts(port);
  const host = request.host?.toLowerCase();
  if (!host || !hosts.has(host))
    return { ok: false, reason: `Host ${request.host ?? '(none)'} is not this dashboard (expected localhost:${port} or 127.0.0.1:${port})` };
  if (request.method === 'GET' || request.method === 'HEAD') return { ok: true };
  const origin = request.origin?.toLowerCase();
  if (!origin) return { ok: false, reason: 'a control request must come from the dashboard page (no Origin header)' };
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return { ok: false, reason: `Origin ${request.origin} is not a URL` };
  }
  if (parsed.protocol !== 'http:' || !hosts.has(parsed.host) || origin !== `http://${parsed.host}`) {
    return { ok: false, reason: `Origin ${request.origin} is not the dashboard page` };
  }
  return { ok: true };
}
