// @ts-check

const { statSync } = require('node:fs');
const path = require('node:path');

/**
 * THE resolution rule of the labs, written once (CommonJS, so jest's resolver
 * can load it without a TypeScript transform; types in code-overlay.d.ts).
 *
 * A lab folder holds only the files a learner edits (labs.json `edit`), and
 * any a learner carried in from an earlier lab (npm run labs:carry). Every
 * other module of the running system is the finished one in solution/src.
 * So a module path under src/ resolves to:
 *
 *     <lab folder>/src/<path>   when that file exists,
 *     solution/src/<path>       otherwise.
 *
 * It applies to `@app/<path>` imports (the tests), to relative imports made
 * from any file in either tree (a solution handler importing ../lib/orders
 * gets the lab's orders.ts when the lab has one), and to the handler paths
 * the local cloud loads. Used by: jest (jest-resolver.js), the local cloud
 * (node-resolve-hook.ts, lambda-runtime.ts) and the lab checks; TypeScript
 * expresses the same rule with rootDirs and paths (labs/tsconfig.lab.json).
 */
const REPO_ROOT = path.resolve(__dirname, '../..');
const SOLUTION_SRC = path.join(REPO_ROOT, 'solution', 'src');
const EXTENSIONS = ['', '.ts', '.js', '.json', '/index.ts', '/index.js'];

const isFile = (file) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** `<codeRoot>/src` for a lab or variant folder; undefined for the solution itself. */
function overlaySrc(codeRoot) {
  if (!codeRoot) return undefined;
  const src = path.join(path.resolve(REPO_ROOT, codeRoot), 'src');
  return src === SOLUTION_SRC ? undefined : src;
}

/** The file a src-relative module path (e.g. `lib/orders`) means: the lab's if present, else the solution's. */
function locate(srcRelative, labSrc) {
  for (const root of labSrc ? [labSrc, SOLUTION_SRC] : [SOLUTION_SRC]) {
    for (const extension of EXTENSIONS) {
      const file = path.join(root, srcRelative + extension);
      if (isFile(file)) return file;
    }
  }
  return undefined;
}

/** `file`'s path relative to the src/ tree it sits in (the lab's or the solution's), or undefined. */
function srcRelativeOf(file, labSrc) {
  for (const root of labSrc ? [labSrc, SOLUTION_SRC] : [SOLUTION_SRC]) {
    const relative = path.relative(root, file);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative;
  }
  return undefined;
}

/**
 * Where `request`, imported from `fromFile`, resolves under the rule; undefined
 * when the rule does not apply (a package, a file outside both src trees, or
 * a path the rule cannot find: the ordinary resolver then reports it).
 */
function resolveOverlay(request, fromFile, labSrc) {
  let srcRelative;
  if (request.startsWith('@app/')) {
    srcRelative = request.slice('@app/'.length);
  } else if (request.startsWith('./') || request.startsWith('../')) {
    const from = srcRelativeOf(fromFile, labSrc);
    if (from === undefined) return undefined;
    srcRelative = path.join(path.dirname(from), request);
    if (srcRelative.startsWith('..')) return undefined;
  } else if (path.isAbsolute(request)) {
    srcRelative = srcRelativeOf(request, labSrc);
    if (srcRelative === undefined) return undefined;
    srcRelative = srcRelative.replace(/\.(ts|js)$/, '');
  } else {
    return undefined;
  }
  return locate(srcRelative, labSrc);
}

module.exports = { REPO_ROOT, SOLUTION_SRC, overlaySrc, locate, resolveOverlay };
