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

/** True when `file` (below `dir`) lives in a subfolder that is a project of its own (its files are not ours). */
export function inNestedProject(repo: RepoView, dir: string, file: string): boolean {
  const base = dir === '.' ? '' : `${dir}/`;
  const rel = file.slice(base.length).split('/');
  let cur = dir;
  for (let i = 0; i < rel.length - 1; i++) {
    cur = joinRel(cur, rel[i]!);
    if (PROJECT_MANIFESTS.some((m) => repo.exists(joinRel(cur, m)))) return true;
  }
  return false;
}
