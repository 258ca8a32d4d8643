/**
 * Writing a run's files to disk all or nothing, the ledger last.
 *
 *   check     every target: a directory in the way or a read-only file stops the
 *             run before anything is written
 *   stage     each new content goes to a temporary file beside its target
 *             (`.<name>.containerize-tmp-<pid>`); a full disk or an unwritable
 *             folder here removes the temporary files (and the folders this run
 *             created) and leaves the tree as it was
 *   switch    renames over the targets (atomic per file), deletions, the model
 *             (.yo-rc.json), then the ledger
 *
 * The commit is synchronous and runs with Ctrl-C caught (withSigint): a Ctrl-C
 * before it ends the process with nothing written (every file was still in
 * memory); one during it is acted on once it is done. So an interrupted run
 * leaves no half-written file and no ledger that describes files which are
 * not there.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

export interface CommitFile {
  /** Absolute path. */
  path: string;
  /** New content, or null to delete the file. */
  content: string | Buffer | null;
  mode?: number;
}

/** The file-system calls the commit makes (replaceable in tests, to fail or interrupt one of them). */
export type CommitFs = Pick<typeof nodeFs, 'writeFileSync' | 'renameSync' | 'rmSync' | 'mkdirSync' | 'rmdirSync' | 'statSync' | 'chmodSync' | 'readdirSync'>;

export class CommitError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
    this.name = 'CommitError';
  }
}

/** Thrown when Ctrl-C stopped the run before any file changed. */
export class InterruptedError extends Error {
  readonly code = 130;
  constructor(message = 'Interrupted: nothing was written.') {
    super(message);
    this.name = 'InterruptedError';
  }
}

export interface CommitOptions {
  root: string;
  /** Written after every other file: the ledger. */
  last?: string[];
  /** Written just before `last`: the model. */
  late?: string[];
  fs?: CommitFs;
}

const tempOf = (path: string): string => join(dirname(path), `.${basename(path)}.containerize-tmp-${process.pid}`);

function statOrNull(fs: CommitFs, path: string): nodeFs.Stats | null {
  try {
    return fs.statSync(path);
  } catch {
    return null;
  }
}

export function commitFiles(files: CommitFile[], opts: CommitOptions): void {
  const fs = opts.fs ?? nodeFs;
  const rel = (p: string) => relative(opts.root, p) || p;
  const rank = (p: string) => (opts.last?.includes(p) ? 2 : opts.late?.includes(p) ? 1 : 0);
  const ordered = [...files].sort((a, b) => rank(a.path) - rank(b.path));

  // check
  const problems: string[] = [];
  for (const f of ordered) {
    const st = statOrNull(fs, f.path);
    if (st?.isDirectory()) problems.push(`${rel(f.path)} is a folder`);
    else if (st && f.content !== null && (st.mode & 0o200) === 0) problems.push(`${rel(f.path)} is read-only (make it writable, or list it in .yo-resolve as skip)`);
  }
  if (problems.length) throw new CommitError(`Cannot write:\n${problems.map((p) => `  - ${p}`).join('\n')}\nNothing was written.`);

  // stage
  const staged: { file: CommitFile; temp: string }[] = [];
  const madeDirs: string[] = [];
  const rollback = () => {
    for (const s of staged) fs.rmSync(s.temp, { force: true });
    for (const dir of madeDirs.reverse()) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // not empty or already gone: leave it
      }
    }
  };
  const mkdirs = (dir: string) => {
    const missing: string[] = [];
    for (let d = dir; !statOrNull(fs, d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) {
      fs.mkdirSync(d);
      madeDirs.push(d);
    }
  };
  try {
    for (const file of ordered) {
      if (file.content === null) continue;
      mkdirs(dirname(file.path));
      const temp = tempOf(file.path);
      staged.push({ file, temp });
      fs.writeFileSync(temp, file.content);
      if (file.mode !== undefined) fs.chmodSync(temp, file.mode & 0o7777);
      else {
        const st = statOrNull(fs, file.path);
        if (st) fs.chmodSync(temp, st.mode & 0o7777); // keep the mode the file had
      }
    }
  } catch (error) {
    rollback();
    const e = error as NodeJS.ErrnoException;
    const where = e.path ? ` (${rel(e.path.replace(/\/\.([^/]+)\.containerize-tmp-\d+$/, '/$1'))})` : '';
    throw new CommitError(`Could not write the files${where}: ${e.code ?? ''} ${e.message}`.replace(/ {2,}/g, ' ') + '\nNothing was written.');
  }

  // switch
  const temps = new Map(staged.map((s) => [s.file, s.temp]));
  const emptied = new Set<string>();
  for (const file of ordered) {
    if (file.content === null) {
      fs.rmSync(file.path, { force: true });
      emptied.add(dirname(file.path));
    } else fs.renameSync(temps.get(file)!, file.path);
  }
  // Folders a deletion left empty go too (up to the root), as they came with our files.
  for (const start of [...emptied].sort((a, b) => b.length - a.length)) {
    for (let dir = start; dir.startsWith(opts.root) && dir !== opts.root; dir = dirname(dir)) {
      const entries = (() => {
        try {
          return fs.readdirSync(dir);
        } catch {
          return null;
        }
      })();
      if (entries === null || entries.length > 0) break;
      fs.rmdirSync(dir);
    }
  }
}

/**
 * Run `work` (synchronous) with Ctrl-C caught, so it cannot be cut short.
 * Says whether Ctrl-C was pressed meanwhile; the caller then stops the run.
 */
export async function withSigint(work: () => void): Promise<{ interrupted: boolean }> {
  let pressed = false;
  const onSigint = () => {
    pressed = true;
  };
  process.on('SIGINT', onSigint);
  try {
    work();
    // A signal that came in during `work` is handled on the next turns of the event loop.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return { interrupted: pressed };
}
