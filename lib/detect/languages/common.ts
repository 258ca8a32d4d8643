/** Facts about project layout that several language detectors share. */
import { joinRel } from '../repo.js';
import type { RepoView } from '../types.js';

/** Manifests that make a folder a project of its own, in any language. */
export const PROJECT_MANIFESTS = [
  'package.json',
  'pyproject.toml',
  'requirements.txt',
  'setup.py',
  'Pipfile',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'Gemfile',
  'composer.json',
  'Cargo.toml',
];

/**
 * A setup.py is a project manifest only when it is a packaging script (it calls setuptools'
 * or distutils' setup()); a module that happens to be named setup.py is ordinary code.
 */
export function isPackagingSetupPy(text: string | null): boolean {
  return text !== null && /\bsetup\s*\(/.test(text) && /\b(?:setuptools|distutils)\b/.test(text);
}

/** True when the manifest `file` exists and is one (a setup.py must be a packaging script). */
export function isManifestFile(repo: RepoView, file: string): boolean {
  if (!repo.exists(file)) return false;
  const name = file.slice(file.lastIndexOf('/') + 1);
  return name !== 'setup.py' || isPackagingSetupPy(repo.read(file));
}

/** True when `file` (below `dir`) lives in a subfolder that is a project of its own (its files are not ours). */
export function inNestedProject(repo: RepoView, dir: string, file: string): boolean {
  const base = dir === '.' ? '' : `${dir}/`;
  const rel = file.slice(base.length).split('/');
  let cur = dir;
  for (let i = 0; i < rel.length - 1; i++) {
    cur = joinRel(cur, rel[i]!);
    if (PROJECT_MANIFESTS.some((m) => isManifestFile(repo, joinRel(cur, m)))) return true;
  }
  return false;
}

type Json = Record<string, unknown>;

/** Parses JSON with comments and trailing commas (tsconfig.json, angular.json). */
export function parseJsonc(text: string | null): Json | null {
  if (text === null) return null;
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inStr) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') {
      inStr = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else out += ch;
  }
  out = out.replace(/,(\s*[}\]])/g, '$1');
  try {
    const v: unknown = JSON.parse(out);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}
