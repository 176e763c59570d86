import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './manifest';

/**
 * What `check:lab` remembers between runs, per lab: how many hints were
 * shown and when the lab was first completed. Kept in .lab-progress.json at
 * the repository root (git-ignored: it is the learner's, not the
 * workshop's). SDP_LAB_PROGRESS_FILE points elsewhere (the checker's tests).
 */
export interface LabProgress {
  readonly hintsShown: number;
  readonly completedAt?: string;
}

interface ProgressFile {
  readonly version: 1;
  readonly labs: Record<string, LabProgress>;
}

export function progressFile(): string {
  return process.env.SDP_LAB_PROGRESS_FILE ?? path.join(REPO_ROOT, '.lab-progress.json');
}

function read(): ProgressFile {
  try {
    const json = JSON.parse(readFileSync(progressFile(), 'utf8')) as Partial<ProgressFile>;
    if (json.version === 1 && typeof json.labs === 'object' && json.labs !== null) return { version: 1, labs: json.labs };
  } catch {
    // missing or unreadable: start afresh rather than stop a learner
  }
  return { version: 1, labs: {} };
}

export function labProgress(labId: number): LabProgress {
  const stored = read().labs[String(labId)];
  return {
    hintsShown: Number.isSafeInteger(stored?.hintsShown) ? Math.max(0, stored.hintsShown) : 0,
    ...(stored?.completedAt ? { completedAt: stored.completedAt } : {}),
  };
}

export function updateLabProgress(labId: number, change: (current: LabProgress) => LabProgress): LabProgress {
  const file = read();
  const next = change(labProgress(labId));
  const data: ProgressFile = { version: 1, labs: { ...file.labs, [String(labId)]: next } };
  // Write then rename: a second check:lab (e.g. --watch in another terminal) never reads half a file.
  const target = progressFile();
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temporary, target);
  return next;
}
