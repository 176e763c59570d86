import Module from 'node:module';
import { overlaySrc, resolveOverlay } from './code-overlay';

/**
 * The labs' resolution rule (code-overlay.js) for plain Node, i.e. for
 * `npm start -- --lab N`: every `require` made from a file of solution/src or
 * of the lab's src/ (a relative import, an `@app/...`) goes to the lab's file
 * when it has one, else to solution/src's. tsx still compiles what is loaded;
 * this runs before its resolver and hands everything else on to it.
 *
 * Jest never goes through Node's resolver: it has scripts/labs/jest-resolver.js.
 */
type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

let installedFor: string | undefined;

export function installCodeOverlay(codeRoot: string): void {
  const labSrc = overlaySrc(codeRoot);
  if (!labSrc) return; // solution/ itself: Node's own resolution is the rule
  if (installedFor !== undefined) {
    if (installedFor === labSrc) return;
    throw new Error(`the code overlay is already installed for ${installedFor}; one process runs one lab's code`);
  }
  installedFor = labSrc;
  const nodeModule = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = nodeModule._resolveFilename;
  nodeModule._resolveFilename = function resolveFilename(this: unknown, request, parent, ...rest) {
    const found = parent?.filename ? resolveOverlay(request, parent.filename, labSrc) : undefined;
    return found ?? original.call(this, request, parent, ...rest);
  };
}
