import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

const MAX_FILE_BYTES = 512 * 1024;

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
  const abs = (rel: string) => join(root, norm(rel));
  const stat = (rel: string) => {
    try {
      return statSync(abs(rel));
    } catch {
      return null;
    }
  };
  const view: RepoView = {
    root,
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
      if (s?.isFile() && s.size <= MAX_FILE_BYTES) {
        const buf = readFileSync(abs(key));
        // A marked block of ours inside the user's file (lib/write/ownership.ts) is not their code either.
        text = buf.includes(0) ? null : withoutBlocks(buf.toString('utf8'));
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
