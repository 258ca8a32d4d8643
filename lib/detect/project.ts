/** Facts about project layout that several language detectors share. */
import { joinRel } from './repo.js';
import type { ProcessFacts, RepoView } from './types.js';

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

/** One line of a Procfile: `<name>: <command>`, with the line it is on. */
export interface ProcfileEntry {
  name: string;
  cmd: string;
  source: string;
}

/** The process lines of `<dir>/Procfile` (Heroku's format: `name: command`, comments ignored), in file order. */
export function procfileEntries(repo: RepoView, dir: string): ProcfileEntry[] {
  const file = joinRel(dir, 'Procfile');
  const text = repo.read(file);
  if (text === null) return [];
  const out: ProcfileEntry[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^([A-Za-z0-9_-]+):\s*(.*?)\s*$/.exec(line);
    if (m && m[2]) out.push({ name: m[1]!, cmd: m[2], source: `${file}:${i + 1}` });
  });
  return out;
}

/** Procfile names that are one-off release commands (Heroku runs `release` before a deploy). */
const RELEASE_NAMES = new Set(['release', 'migrate', 'migration', 'migrations']);

/**
 * The Procfile lines other than `main` (the one the service's start runs), as processes:
 * `toArgv` turns a command into the language's exec form (or null to skip it). A `release`
 * line is a one-off release command.
 */
export function procfileProcesses(entries: ProcfileEntry[], main: string | null, toArgv: (cmd: string) => string[] | null): ProcessFacts[] {
  const out: ProcessFacts[] = [];
  for (const e of entries) {
    if (e.name === main) continue;
    const argv = toArgv(e.cmd);
    if (!argv || argv.length === 0) continue;
    out.push({ name: e.name.toLowerCase().replace(/_/g, '-'), start: { value: argv, source: e.source }, release: RELEASE_NAMES.has(e.name.toLowerCase()), port: { value: null, source: e.source } });
  }
  return out;
}

/** True when a process of `list` already runs a command (its words joined by spaces, sh -c scripts included) matching `re`. */
export const hasProcess = (list: ProcessFacts[], re: RegExp): boolean => list.some((p) => re.test(p.start.value.join(' ')));
