import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { isGenerated, withoutBlocks } from '../render/marker.js';
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

export const MAX_FILE_BYTES = 512 * 1024;

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KiB`);

const norm = (rel: string): string => {
  const parts = rel.split(/[\\/]+/).filter((p) => p && p !== '.');
  return parts.join('/');
};

export const joinRel = (...parts: string[]): string => norm(parts.join('/')) || '.';

/** A RepoView over a real directory, with a read cache so detectors can re-read freely. */
export function openRepo(root: string): RepoView {
  const cache = new Map<string, string | null>();
  /** Files that carry our generated marker: they do not exist for detection. */
  const generated = new Set<string>();
  /** Files and folders detection did not read, with why (shown as warnings). */
  const skipped = new Map<string, string>();
  const abs = (rel: string) => join(root, norm(rel));
  let realRoot: string | null = null;
  try {
    realRoot = realpathSync(root);
  } catch {
    /* a missing root: every stat fails below */
  }
  /** The repository is a boundary: a path that leads outside it (a symbolic link) does not exist for detection. */
  const inside = new Map<string, boolean>();
  const isInside = (rel: string): boolean => {
    const key = norm(rel);
    let v = inside.get(key);
    if (v === undefined) {
      try {
        const real = realpathSync(abs(key));
        v = realRoot !== null && (real === realRoot || real.startsWith(realRoot + sep));
      } catch {
        v = true; // missing: nothing to read anyway
      }
      inside.set(key, v);
      if (!v) skipped.set(key, 'a symbolic link that leads outside the repository, and nothing outside it is read or written');
    }
    return v;
  };
  const stat = (rel: string) => {
    try {
      const s = statSync(abs(rel));
      return isInside(rel) ? s : null;
    } catch {
      return null;
    }
  };
  const view: RepoView = {
    root,
    skipped: () => [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    exists(rel) {
      if (stat(rel) === null) return false;
      view.read(rel); // reading marks our own generated files
      return !generated.has(norm(rel));
    },
    isDir: (rel) => stat(rel)?.isDirectory() ?? false,
    read(rel) {
      const key = norm(rel);
      if (cache.has(key)) return cache.get(key)!;
      let text: string | null = null;
      const s = stat(key);
      if (s?.isFile() && s.size > MAX_FILE_BYTES) skipped.set(key, `${size(s.size)}, larger than the ${size(MAX_FILE_BYTES)} detection reads`);
      if (s?.isFile() && s.size <= MAX_FILE_BYTES) {
        const buf = readFileSync(abs(key));
        // A marked block of ours inside the user's file (lib/write/ownership.ts) is not their code either.
        text = buf.includes(0) ? null : withoutBlocks(buf.toString('utf8'));
        if (text === null) skipped.set(key, 'a binary file (it holds NUL bytes)');
        // Our own output (a generated Dockerfile, .env.example...) is not the user's code.
        if (text !== null && isGenerated(text)) {
          text = null;
          generated.add(key);
        }
      }
      cache.set(key, text);
      return text;
    },
    list(rel) {
      try {
        if (!isInside(rel)) return [];
        return readdirSync(abs(rel)).sort();
      } catch {
        return [];
      }
    },
    walk(rel, opts = {}) {
      const { maxDepth = 8, extensions } = opts;
      const out: string[] = [];
      const visit = (dir: string, depth: number, inSrc: boolean) => {
        for (const name of view.list(dir)) {
          const child = joinRel(dir, name);
          const s = stat(child);
          if (!s) continue;
          if (s.isDirectory()) {
            const skip = IGNORED_DIRS.has(name) || name.startsWith('.') || (!inSrc && OUTPUT_DIRS.has(name));
            if (depth < maxDepth && !skip) visit(child, depth + 1, inSrc || name === 'src');
          } else if (s.isFile() && view.exists(child)) {
            if (!extensions || extensions.some((e) => name.endsWith(e))) out.push(child);
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
