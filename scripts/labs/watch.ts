import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import path from 'node:path';

/**
 * Watches folder trees for saves, the way `check:lab --watch` needs: it
 * watches DIRECTORIES, never file handles. Editors rarely write a file in
 * place: vim writes a new file and renames it over the old one, JetBrains
 * "safe write" renames through ___jb_tmp___/___jb_old___, `sed -i` writes a
 * temporary file and renames it, some tools delete and recreate. A watch on
 * the old file follows the old inode, so it goes deaf after the first such
 * save (Node 20's recursive fs.watch on Linux watches files that way). A
 * watch on the folder sees every name that changes in it, whatever inode it
 * ends up pointing at.
 *
 * Folders created or replaced later (a `git checkout`, a new src/ subfolder)
 * are picked up on the next event, and a root that does not exist yet is
 * waited for through its nearest existing parent. Bursts of events (one save
 * is several) are debounced into one call with the files that changed.
 */
export interface TreeWatcher {
  /** The folders currently watched (for tests and diagnostics). */
  folders(): string[];
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs. */
  readonly debounceMs?: number;
}

/** Editors' scratch files: a change to only these is not a save. */
const SCRATCH = [
  /\.sw[a-p]x?$/, // vim swap files
  /~$/, // vim / emacs backups
  /^4913$/, // vim's probe that the folder is writable
  /^\.#/, // emacs lock files
  /^#.*#$/, // emacs auto-saves
  /___jb_(tmp|old)___$/, // JetBrains safe write
  /^sed[A-Za-z0-9]{6}$/, // sed -i's temporary file
  /^\.goutputstream-/, // GNOME's atomic write
];

export function isScratchFile(name: string): boolean {
  const base = path.basename(name);
  return SCRATCH.some((pattern) => pattern.test(base));
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.serverless', '.esbuild']);

/** Every folder under `root` (itself included) worth watching; [] when it does not exist. */
function foldersUnder(root: string): string[] {
  const found: string[] = [];
  const visit = (folder: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // gone meanwhile, or not a folder
    }
    found.push(folder);
    for (const entry of entries) if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) visit(path.join(folder, entry.name));
  };
  visit(root);
  return found;
}

/** The nearest existing folder at or above `folder`. */
function nearestExisting(folder: string): string {
  let current = folder;
  for (;;) {
    try {
      if (statSync(current).isDirectory()) return current;
    } catch {
      // keep climbing
    }
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

const identity = (folder: string): string | undefined => {
  try {
    const stat = statSync(folder);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
};

export function watchTrees(roots: readonly string[], onChange: (files: string[]) => void, options: WatchOptions = {}): TreeWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const watched = new Map<string, { watcher: FSWatcher; id: string | undefined }>();
  const absoluteRoots = roots.map((root) => path.resolve(root));
  const inTree = (file: string) => absoluteRoots.some((root) => file === root || file.startsWith(root + path.sep));
  let changed = new Set<string>();
  /** Watched folders whose name changed in their parent: their watch may follow a deleted folder. */
  const suspect = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    sync(); // folders may have come or gone in the burst
    const files = [...changed];
    changed = new Set();
    if (files.length > 0 && !closed) onChange(files);
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };

  const watchFolder = (folder: string) => {
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => {
        if (closed) return;
        const file = name ? path.join(folder, name.toString()) : folder;
        // Events in a parent watched only until a root appears count only for that root.
        if (name && !isScratchFile(name.toString()) && inTree(file)) changed.add(file);
        if (name && file !== folder && watched.has(file)) suspect.add(file);
        schedule();
      });
    } catch {
      return; // vanished between listing and watching: the parent's event brings a re-sync
    }
    // A watched folder that is deleted errors on some platforms: drop it, re-sync.
    watcher.on('error', () => {
      watcher.close();
      watched.delete(folder);
      if (!closed) schedule();
    });
    watched.set(folder, { watcher, id: identity(folder) });
  };

  /** Makes the watched set match the folders that exist now. */
  const sync = () => {
    if (closed) return;
    const wanted = new Set<string>();
    for (const root of absoluteRoots) {
      const folders = foldersUnder(root);
      if (folders.length > 0) for (const folder of folders) wanted.add(folder);
      else wanted.add(nearestExisting(root)); // wait for the root to appear
    }
    for (const [folder, entry] of watched) {
      // Gone, or maybe a different folder under the same name (deleted and recreated; the
      // file system may even reuse the inode number): its watch is deaf, watch it afresh.
      const underSuspect = [...suspect].some((s) => folder === s || folder.startsWith(s + path.sep));
      if (!wanted.has(folder) || underSuspect || identity(folder) !== entry.id) {
        entry.watcher.close();
        watched.delete(folder);
      }
    }
    suspect.clear();
    for (const folder of wanted) if (!watched.has(folder)) watchFolder(folder);
  };

  sync();
  return {
    folders: () => [...watched.keys()].sort(),
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const { watcher } of watched.values()) watcher.close();
      watched.clear();
    },
  };
}

export interface RerunOptions extends WatchOptions {
  /** Runs after every run, e.g. to say what is watched. */
  readonly afterRun?: () => void;
  /** Runs once when Ctrl-C stops the loop. */
  readonly onStop?: () => void;
  /** Told of every save seen, before the run it causes (or marks for after the current one). */
  readonly onSave?: (files: string[]) => void;
  /** Stops the loop like Ctrl-C does (for tests and embedding). */
  readonly signal?: AbortSignal;
}

/**
 * Runs `run` now and again after every save under `roots`, until Ctrl-C
 * (resolves then). A save during a run is never lost and never mixed into
 * it: the run finishes and one more starts, so the last result on screen is
 * always from the code as last saved.
 */
export function rerunOnSave(roots: readonly string[], run: () => Promise<void>, options: RerunOptions = {}): Promise<void> {
  let running = false;
  let again = false;
  const loop = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          await run();
        } finally {
          options.afterRun?.();
        }
      } while (again);
    } finally {
      running = false;
    }
  };
  const watcher = watchTrees(
    roots,
    (files) => {
      options.onSave?.(files);
      void loop().catch(() => undefined);
    },
    options,
  );
  // Listen for Ctrl-C before the first run, so it always stops cleanly. Ctrl-C
  // reaches both tsx and this process, so it can arrive twice: act once.
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      watcher.close();
      options.onStop?.();
      resolve();
    };
    process.on('SIGINT', stop);
    options.signal?.addEventListener('abort', stop, { once: true });
    void loop().catch(() => undefined);
  });
}
