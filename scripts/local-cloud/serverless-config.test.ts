import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVERLESS_FILE, ServerlessConfigError, loadServiceConfig } from './serverless-config';

/**
 * serverless.yml's parse is remembered on disk by the text's hash (every
 * test file and check:lab reads the same file): the remembered parse must
 * never hide an edit, and a broken file must fail every time.
 */
let folder: string;
let file: string;
const original = readFileSync(SERVERLESS_FILE, 'utf8');

beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'sdp-serverless-config-'));
  file = path.join(folder, 'serverless.yml');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('reading serverless.yml', () => {
  it('gives the same configuration when it reads the same file again', () => {
    writeFileSync(file, original);
    const first = loadServiceConfig({ file, stage: 'memo' });
    const again = loadServiceConfig({ file, stage: 'memo' });

    expect(again).toEqual(first);
    expect(again.tables.length).toBeGreaterThan(0);
  });

  it('sees an edit at once: a changed file is parsed afresh', () => {
    writeFileSync(file, original);
    loadServiceConfig({ file });
    writeFileSync(file, original.replace('POWERTOOLS_SERVICE_NAME: orders', 'POWERTOOLS_SERVICE_NAME: orders-edited'));

    const edited = loadServiceConfig({ file });
    expect(Object.values(edited.functions)[0].environment.POWERTOOLS_SERVICE_NAME).toBe('orders-edited');
  });

  it('refuses invalid YAML every time, naming the file', () => {
    writeFileSync(file, `${original}\nfunctions: [unclosed\n`);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(() => loadServiceConfig({ file })).toThrow(ServerlessConfigError);
      expect(() => loadServiceConfig({ file })).toThrow(`${file} is not valid YAML`);
    }
  });
});
