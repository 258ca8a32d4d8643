import { readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { isGenerated, withoutBlocks } from '../model/marker.js';
import type { RepoView } from './types.js';

/** Folders never scanned: VCS data, dependencies, caches, virtualenvs, editor settings. */
export const IGNORED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'vendor',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.tox',
  '.gradle',
  '.idea',
  '.vscode',
  'coverage',
  '.cache',
  '.terraform',
  '.devcontainer',
  '.github',
]);

/**
 * Build output and tooling folders, skipped unless they sit inside a `src`
 * tree, where the same names are ordinary packages (Java `adapter/out`, Rust
 * `src/bin`).
 */
export const OUTPUT_DIRS = new Set(['dist', 'build', 'out', 'target', 'bin', 'obj', 'env', 'tmp', 'deploy', 'charts']);

/**
 * A virtualenv under a name of its own (`py311/`, `.env-foo/`...): Python writes pyvenv.cfg at
 * its top. One listing of the folder tells; nothing below it is read.
 */
export const isVirtualenv = (repo: Pick<RepoView, 'list'>, dir: string): boolean => repo.list(dir).includes('pyvenv.cfg');

export const MAX_FILE_BYTES = 512 * 1024;

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KiB`);

const norm = (rel: string): string => {
  // Already normal (the common case: paths joinRel built): no split and join.
  if (isNormal(rel)) return rel;
  const parts = rel.split(/[\\/]+/).filter((p) => p && p !== '.');
  return parts.join('/');
};
/** A relative path without empty or `.` segments and without backslashes. */
const isNormal = (rel: string): boolean =>
  rel !== '' && rel !== '.' && !rel.includes('\\') && !rel.includes('//') && rel[0] !== '/' && !rel.endsWith('/') && !rel.startsWith('./') && !rel.includes('/./') && !rel.endsWith('/.');

export const joinRel = (...parts: string[]): string => norm(parts.join('/')) || '.';

/**
 * The three calls detection makes to the disk. `openRepo` takes another one in tests, to
 * count what detection touches (test/detect/reads.test.ts).
 */
export interface RepoFs {
  /** A folder's entries with their types; throws when it is not a folder. */
  readdir(abs: string): Dirent[];
  /** Follows symbolic links; undefined when nothing is there. */
  stat(abs: string): Stats | undefined;
  readFile(abs: string): Buffer;
  /** The path with every symbolic link resolved; throws when nothing is there. */
  realpath(abs: string): string;
}

export const nodeFs: RepoFs = {
  readdir: (abs) => readdirSync(abs, { withFileTypes: true }),
  stat: (abs) => statSync(abs, { throwIfNoEntry: false }),
  readFile: (abs) => readFileSync(abs),
  realpath: (abs) => realpathSync(abs),
};

type Kind = 'file' | 'dir' | 'other';

/**
 * A RepoView over a real directory. Each folder is listed at most once and each file read at
 * most once (detectors re-read freely from the caches); whether a path exists and what it is
 * comes from its folder's listing, so looking for the twenty manifests a folder might hold
 * costs one listing, not twenty failed stat calls. Nothing below an ignored folder
 * (IGNORED_DIRS: node_modules, .git, virtualenvs...) is listed by `walk`; a detector asking
 * for a path inside one by name still gets an answer.
 */
export function openRepo(root: string, fs: RepoFs = nodeFs): RepoView {
  const cache = new Map<string, string | null>();
  /** Files that carry our generated marker: they do not exist for detection. */
  const generated = new Set<string>();
  /** Each listed folder: its entries' names, sorted, and what each is (null: not a folder). */
  const listings = new Map<string, { names: string[]; kinds: Map<string, Kind> } | null>();
  /** What each path asked about is: a file, a folder, something else, or nothing. */
  const kinds = new Map<string, Kind | null>();
  /** Files and folders detection did not read, with why (shown as warnings). */
  const skipped = new Map<string, string>();
  const abs = (rel: string) => join(root, norm(rel));
  let realRoot: string | null = null;
  try {
    realRoot = fs.realpath(root);
  } catch {
    /* a missing root: every listing fails below */
  }
  /**
   * The repository is a boundary: a path that leads outside it (through a symbolic link) does
   * not exist for detection. Only a symbolic link can lead out, so only links are resolved.
   */
  const leadsInside = (key: string): boolean => {
    try {
      const real = fs.realpath(abs(key));
      if (realRoot !== null && (real === realRoot || real.startsWith(realRoot + sep))) return true;
    } catch {
      return true; // broken: nothing there to read anyway
    }
    skipped.set(key, 'a symbolic link that leads outside the repository, and nothing outside it is read or written');
    return false;
  };
  const kindOfStat = (s: Stats | undefined): Kind | null => (s === undefined ? null : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other');
  const listing = (key: string) => {
    if (listings.has(key)) return listings.get(key)!;
    let entry: { names: string[]; kinds: Map<string, Kind> } | null = null;
    try {
      const kindsHere = new Map<string, Kind>();
      for (const d of fs.readdir(abs(key))) {
        // A symbolic link is what it points at (a broken one, or one leading outside, is nothing).
        const child = key === '' ? d.name : `${key}/${d.name}`;
        const kind = d.isSymbolicLink() ? (leadsInside(child) ? kindOfStat(fs.stat(abs(child))) : null) : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other';
        if (kind !== null) kindsHere.set(d.name, kind);
      }
      entry = { names: [...kindsHere.keys()].sort(), kinds: kindsHere };
    } catch {
      entry = null;
    }
    listings.set(key, entry);
    return entry;
  };
  /** What is at a normalized path (memoized: detectors ask for the same paths again and again). */
  const kindAt = (key: string): Kind | null => {
    if (kinds.has(key)) return kinds.get(key)!;
    let kind: Kind | null;
    const slash = key.lastIndexOf('/');
    if (key === '') kind = kindOfStat(fs.stat(abs(key)));
    else if (key === '..' || key.startsWith('../') || key.includes('/../') || key.endsWith('/..')) kind = leadsInside(key) ? kindOfStat(fs.stat(abs(key))) : null;
    else {
      const parent = slash < 0 ? '' : key.slice(0, slash);
      kind = parent !== '' && kindAt(parent) !== 'dir' ? null : (listing(parent)?.kinds.get(key.slice(slash + 1)) ?? null);
    }
    kinds.set(key, kind);
    return kind;
  };
  const kindOf = (rel: string): Kind | null => kindAt(norm(rel));
  const view: RepoView = {
    root,
    skipped: () => [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    exists(rel) {
      if (kindOf(rel) === null) return false;
      view.read(rel); // reading marks our own generated files
      return !generated.has(norm(rel));
    },
    isDir: (rel) => kindOf(rel) === 'dir',
    read(rel) {
      const key = norm(rel);
      if (cache.has(key)) return cache.get(key)!;
      let text: string | null = null;
      if (kindOf(key) === 'file') {
        const s = fs.stat(abs(key));
        if (s !== undefined && s.size > MAX_FILE_BYTES) skipped.set(key, `${size(s.size)}, larger than the ${size(MAX_FILE_BYTES)} detection reads`);
        if (s !== undefined && s.size <= MAX_FILE_BYTES) {
          const buf = fs.readFile(abs(key));
          // A marked block of ours inside the user's file (lib/write/ownership.ts) is not their code either.
          text = buf.includes(0) ? null : withoutBlocks(buf.toString('utf8'));
          if (text === null) skipped.set(key, 'a binary file (it holds NUL bytes)');
          // Our own output (a generated Dockerfile, .env.example...) is not the user's code.
          if (text !== null && isGenerated(text)) {
            text = null;
            generated.add(key);
          }
        }
      }
      cache.set(key, text);
      return text;
    },
    list(rel) {
      const key = norm(rel);
      if (key !== '' && kindOf(key) !== 'dir') return [];
      return [...(listing(key)?.names ?? [])];
    },
    walk(rel, opts = {}) {
      const { maxDepth = 8, extensions } = opts;
      const out: string[] = [];
      const visit = (dir: string, depth: number, inSrc: boolean) => {
        for (const name of view.list(dir)) {
          const child = joinRel(dir, name);
          const kind = kindOf(child);
          if (kind === 'dir') {
            const skip = IGNORED_DIRS.has(name) || name.startsWith('.') || (!inSrc && OUTPUT_DIRS.has(name)) || kindOf(joinRel(child, 'pyvenv.cfg')) === 'file';
            if (depth < maxDepth && !skip) visit(child, depth + 1, inSrc || name === 'src');
          } else if (kind === 'file' && (!extensions || extensions.some((e) => name.endsWith(e))) && view.exists(child)) {
            // Only files of the extensions asked for are read (to leave out our own generated ones).
            out.push(child);
          }
        }
      };
      visit(norm(rel), 0, norm(rel).split('/').includes('src'));
      return out;
    },
    locate(rel, re) {
      const text = view.read(rel);
      if (text === null) return null;
      const lines = text.split('\n');
      const flags = re.flags.replace('g', '');
      const single = new RegExp(re.source, flags);
      for (let i = 0; i < lines.length; i++) {
        if (single.test(lines[i]!)) return `${norm(rel)}:${i + 1}`;
      }
      return null;
    },
  };
  return view;
}
