/**
 * Who owns a path, and where our file goes when it is not us.
 *
 * A path is ours when the ledger lists it (we wrote it), or, for a file
 * written before the ledger existed, when it carries our marker in its first
 * lines. Any other existing file is the user's: it is never overwritten
 * (`.yo-resolve` `force` is the only way to hand one over), and ours goes
 * beside it. Files that other files refer to by name (compose.yaml, Makefile,
 * .env.example, .devcontainer/) are placed beside the user's by the stages
 * themselves, from the model's `existing` field (lib/render/layout.ts), so
 * every reference agrees; the rules below are for everything else.
 */
import { posix } from 'node:path';
import { BLOCK_BEGIN, BLOCK_END, isGenerated } from '../model/marker.js';
import type { LedgerEntry } from './ledger.js';

export type Owner = 'free' | 'ours' | 'ours-unrecorded' | 'theirs';

/** Who owns `path`, from the ledger and the file on disk (undefined when absent). */
export function ownerOf(entry: LedgerEntry | undefined, disk: string | undefined): Owner {
  if (entry) return 'ours';
  if (disk === undefined) return 'free';
  return isGenerated(disk) ? 'ours-unrecorded' : 'theirs';
}

/** Suffix of the file a conflict leaves beside the user's: our new render, to merge by hand. */
export const CONFLICT_SUFFIX = '.containerize-new';
export const conflictPath = (path: string): string => `${path}${CONFLICT_SUFFIX}`;

export interface Beside {
  /** Where ours goes. */
  path: string;
  /** How to use it, for the summary. */
  use: string;
}

/**
 * Where our file goes when the user owns `path`:
 *   <dir>/.dockerignore  → <dir>/Dockerfile.dockerignore: BuildKit and podman read a
 *                          Dockerfile-specific ignore file before .dockerignore, so our
 *                          Dockerfile is built with ours and theirs stays for theirs
 *   anything else        → <dir>/<name>.containerize<.ext>: a copy to compare and adopt
 */
export function besideOf(path: string): Beside {
  const dir = posix.dirname(path);
  const name = posix.basename(path);
  const at = (file: string) => (dir === '.' ? file : `${dir}/${file}`);
  if (name === '.dockerignore') {
    const ours = at('Dockerfile.dockerignore');
    return { path: ours, use: `builds of ${at('Dockerfile')} read ${ours} instead of ${path} (BuildKit and podman prefer a Dockerfile's own ignore file)` };
  }
  const dot = name.lastIndexOf('.');
  const file = dot > 0 ? `${name.slice(0, dot)}.containerize${name.slice(dot)}` : `${name}.containerize`;
  return { path: at(file), use: `compare it with yours and take what you want; to let us own ${path}, delete yours and re-run` };
}

// ---- marked blocks ----------------------------------------------------------------

const BEGIN_LINE = `${BLOCK_BEGIN}: a block it keeps up to date on each run; edit outside it`;

interface Found {
  /** Offsets of the block's first and past-the-last character (marker lines included). */
  start: number;
  end: number;
  inner: string;
}

/** Our marked block in `text`, if it has one. */
export function findBlock(text: string): Found | null {
  const begin = text.startsWith(BLOCK_BEGIN) ? 0 : text.indexOf(`\n${BLOCK_BEGIN}`) + 1;
  if (begin === 0 && !text.startsWith(BLOCK_BEGIN)) return null;
  const innerStart = text.indexOf('\n', begin) + 1;
  if (innerStart === 0) return null;
  // The line break that ends the begin line is where the search for the end line starts.
  const endLine = text.indexOf(`\n${BLOCK_END}`, innerStart - 1) + 1;
  if (endLine === 0) return null;
  const eol = text.indexOf('\n', endLine);
  return { start: begin, end: eol === -1 ? text.length : eol + 1, inner: text.slice(innerStart, endLine) };
}

const blockText = (inner: string): string => `${BEGIN_LINE}\n${inner}${inner.endsWith('\n') || inner === '' ? '' : '\n'}${BLOCK_END}\n`;

/** The text with our block appended (returns the prefix used, to undo exactly that), or replaced in place. */
export function putBlock(text: string | undefined, inner: string): { text: string; prefix: string } {
  const current = text ?? '';
  const found = findBlock(current);
  if (found) return { text: current.slice(0, found.start) + blockText(inner) + current.slice(found.end), prefix: '' };
  const prefix = current === '' ? '' : current.endsWith('\n') ? '\n' : '\n\n';
  return { text: current + prefix + blockText(inner), prefix };
}

/** The text without our block and the separator we put before it. */
export function dropBlock(text: string, prefix: string): string {
  const found = findBlock(text);
  if (!found) return text;
  let start = found.start;
  if (prefix && text.slice(0, start).endsWith(prefix)) start -= prefix.length;
  return text.slice(0, start) + text.slice(found.end);
}
