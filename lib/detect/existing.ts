/**
 * The repository's own files at the paths our outputs take by default: its
 * Compose file, Makefile, .env.example and dev container. They are kept as
 * they are; the model records them (`existing`) so the stages put ours
 * beside them under names every other output refers to (lib/render/layout.ts).
 *
 * A file is ours, not theirs, when it carries our marker (the repo view hides
 * those) or the ledger lists it (`ours`: JSON files carry no marker).
 */
import type { ExistingFiles, ExistingKind } from '../model/types.js';
import type { Fact, RepoView } from './types.js';

/** Per kind, the paths that would clash with ours, in the order their tools read them. */
export const CLASHING: Record<ExistingKind, string[]> = {
  // Docker Compose reads the first of these it finds, plus the first override (compose-go's DefaultFileNames).
  compose: [
    'compose.yaml',
    'compose.yml',
    'docker-compose.yml',
    'docker-compose.yaml',
    'compose.override.yml',
    'compose.override.yaml',
    'docker-compose.override.yml',
    'docker-compose.override.yaml',
  ],
  // GNU make reads the first of GNUmakefile, makefile, Makefile.
  makefile: ['GNUmakefile', 'makefile', 'Makefile'],
  envExample: ['.env.example'],
  // VS Code reads .devcontainer/devcontainer.json, then .devcontainer.json.
  devcontainer: ['.devcontainer/devcontainer.json', '.devcontainer.json'],
};

export function detectExisting(repo: RepoView, ours: ReadonlySet<string> = new Set()): Record<string, Fact<string>> {
  const found: Record<string, Fact<string>> = {};
  for (const [kind, paths] of Object.entries(CLASHING)) {
    const path = paths.find((p) => !ours.has(p) && repo.exists(p) && !repo.isDir(p));
    if (path) found[kind] = { value: path, source: path };
  }
  return found;
}

export const toExisting = (facts: Record<string, Fact<string>>): ExistingFiles =>
  Object.fromEntries(Object.entries(facts).map(([kind, f]) => [kind, { path: f.value }]));
