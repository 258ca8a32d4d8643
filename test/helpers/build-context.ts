/**
 * The build context a real builder sends for a service, computed on a tree on disk with
 * @balena/dockerignore (a port of the matcher Docker itself uses). The ignore file is
 * the one BuildKit and podman read: `<Dockerfile>.dockerignore` next to the Dockerfile
 * when it exists, else `.dockerignore` at the root of the context.
 */
import ignore from '@balena/dockerignore';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { buildContext } from '../../lib/model/derive.js';
import type { ServiceModel } from '../../lib/model/types.js';

/** Every file below `dir`, as POSIX paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, child)).isDirectory()) visit(child);
      else out.push(child);
    }
  };
  visit('');
  return out;
}

export interface SentContext {
  /** The context folder, relative to the repository root ('.' for the root). */
  context: string;
  /** The ignore file the builder reads, relative to the repository root, or null. */
  ignoreFile: string | null;
  /** The files sent, relative to the REPOSITORY root (so they compare across services). */
  files: string[];
}

/** What `docker build -f <dockerfile> <context>` sends for `svc` from the tree at `root`. */
export function sentContext(root: string, svc: ServiceModel): SentContext {
  const { context, dockerfile } = buildContext(svc);
  const candidates = [`${dockerfile}.dockerignore`, context === '.' ? '.dockerignore' : `${context}/.dockerignore`];
  const ignoreFile = candidates.find((f) => existsSync(join(root, f))) ?? null;
  const ig = ignore().add(ignoreFile ? readFileSync(join(root, ignoreFile), 'utf8') : '');
  const inContext = ig.filter(listFiles(join(root, context)));
  return { context, ignoreFile, files: inContext.map((f) => (context === '.' ? f : posix.join(context, f))) };
}
