/**
 * Pointers to documentation in generated files must lead somewhere in the
 * user's repository: our own docs/*.md pages are not there.
 */
import { posix } from 'node:path';
import type { OutputFile } from '../../lib/render/types.js';

/** A path ending in .md, not inside a URL (no '/', ':' or word character right before it). */
const MD_REFERENCE = /(?<![\w/.:-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.md)\b/g;

/**
 * `<file>: <reference>` for each reference to a .md file that is neither a
 * generated file (relative to the referring file's folder, or to the repository
 * root) nor given by URL, and for each vague "see docs".
 */
export function danglingDocReferences(files: OutputFile[]): string[] {
  const paths = new Set(files.map((f) => f.path));
  const out: string[] = [];
  for (const f of files) {
    for (const m of f.content.matchAll(MD_REFERENCE)) {
      const ref = m[1]!;
      const candidates = [posix.normalize(posix.join(posix.dirname(f.path), ref)), posix.normalize(ref)];
      if (!candidates.some((c) => paths.has(c))) out.push(`${f.path}: ${ref}`);
    }
    for (const m of f.content.matchAll(/\bsee (?:the )?docs\b/gi)) out.push(`${f.path}: "${m[0]}"`);
  }
  return out;
}
