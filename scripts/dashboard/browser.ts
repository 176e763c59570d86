import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The browser the dashboard tests, the screenshot and the Mermaid check use:
 * Debian's Chromium (`.ci/run` installs the `chromium` package), driven by
 * playwright-core. Nothing is ever downloaded: no browser, no page asset.
 */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Flags for a headless, offline run; --no-sandbox because CI runs as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH if set, else the first Debian location that exists; undefined when there is none. */
export function chromiumPath(): string | undefined {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CHROMIUM_CANDIDATES;
  return candidates.find((file) => existsSync(file));
}

export const NO_CHROMIUM_MESSAGE = process.env.CHROMIUM_PATH
  ? `no Chromium at CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`
  : `no Chromium at ${CHROMIUM_CANDIDATES.join(' or ')} (set CHROMIUM_PATH, or install Debian's chromium package as .ci/run does)`;

export class ChromiumMissingError extends Error {
  constructor() {
    super(`Cannot start a browser: ${NO_CHROMIUM_MESSAGE}`);
    this.name = 'ChromiumMissingError';
  }
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new ChromiumMissingError();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** True for URLs that stay on this machine (and for the browser's own data: and about: pages). */
export function staysOnMachine(url: string): boolean {
  const parsed = new URL(url);
  if (['data:', 'about:', 'blob:'].includes(parsed.protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}
