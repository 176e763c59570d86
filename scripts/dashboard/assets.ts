import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * The page's files, all served by the dashboard itself (no CDN: it must work
 * offline and on conference Wi-Fi). The TypeScript front end is bundled by
 * esbuild (the bundler serverless-esbuild already uses) once, at start-up,
 * in memory: about 100 ms, and nothing to rebuild by hand.
 */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const CLIENT_DIR = path.join(__dirname, 'client');

export async function buildAssets(): Promise<Map<string, Asset>> {
  const bundle = await build({
    entryPoints: [path.join(CLIENT_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
  const file = (name: string) => readFileSync(path.join(CLIENT_DIR, name));
  return new Map<string, Asset>([
    ['/', { type: 'text/html; charset=utf-8', body: file('index.html') }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(bundle.outputFiles[0].contents) }],
    ['/app.css', { type: 'text/css; charset=utf-8', body: file('style.css') }],
    ['/favicon.svg', { type: 'image/svg+xml', body: file('favicon.svg') }],
  ]);
}
