/**
 * The ledger: what generator-containerize generated in this repository, kept
 * in `.containerize/ledger.json` and committed with the code. Per file: the
 * stage that owns it, the SHA-256 of our last render and that render itself
 * (one JSON string per line, so a change reads as a line diff in review).
 *
 * It answers the two questions a re-run has about every path:
 *   - is this file ours? (in the ledger, or carrying our marker) or the user's?
 *   - did the user edit it since we wrote it? (the file differs from our last
 *     render) and if so, what was the base, for a three-way merge?
 *
 * The writer replaces it whole, last, after every other file of the run is in
 * place (lib/write/commit.ts), so it never describes a half-finished run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LEDGER_DIR = '.containerize';
export const LEDGER_PATH = `${LEDGER_DIR}/ledger.json`;
const FORMAT = 1;
const ABOUT =
  'Written by generator-containerize, for generator-containerize: every file it generated here, with its last render of it (the base of the three-way merge when you edit a generated file). Commit it with the code; do not edit it.';

export interface LedgerEntry {
  /** The stage that renders this file. */
  stage: string;
  /**
   * Our last render that the file on disk descends from: the merge base. Null
   * when it is not known (a file with our marker written before the ledger existed).
   */
  render: string | null;
  /**
   * A render that conflicted with the user's edits, written beside the file as
   * `<path>.containerize-new`. Once the user deletes that file (they merged by
   * hand, or chose to keep theirs), it becomes the base.
   */
  pending?: string;
  /**
   * Set when this is a marked block inside a file the user owns, not a whole
   * file: what we inserted before the block (to remove exactly that).
   */
  block?: { prefix: string };
}

export type Ledger = Map<string, LedgerEntry>;

export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerError';
  }
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const toLines = (text: string): string[] => text.split('\n');
const fromLines = (lines: unknown, where: string): string => {
  if (!Array.isArray(lines) || lines.some((l) => typeof l !== 'string')) throw new LedgerError(`${where} must be a list of lines`);
  return lines.join('\n');
};

/** The ledger of the repository at `root`; empty when there is none. A damaged ledger is a clear error. */
export function readLedger(root: string): Ledger {
  const file = join(root, LEDGER_PATH);
  const ledger: Ledger = new Map();
  if (!existsSync(file)) return ledger;
  const fail = (why: string) =>
    new LedgerError(`${LEDGER_PATH} ${why}. Restore it from git (it records what was generated here); nothing was written.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw fail(`is not valid JSON (${(error as Error).message})`);
  }
  const files = (raw as { files?: unknown } | null)?.files;
  if (typeof raw !== 'object' || raw === null || typeof files !== 'object' || files === null || Array.isArray(files)) throw fail('has no "files" object');
  if ((raw as { format?: unknown }).format !== FORMAT) throw fail(`has format ${JSON.stringify((raw as { format?: unknown }).format)}, this generator reads ${FORMAT}`);
  for (const [path, value] of Object.entries(files as Record<string, unknown>)) {
    const e = value as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || typeof e.stage !== 'string') throw fail(`has a damaged entry for ${path}`);
    try {
      const render = e.render === null ? null : fromLines(e.render, `${path}.render`);
      if (render !== null && e.sha256 !== sha256(render)) throw new LedgerError(`${path}: the copy of our last render does not match its sha256`);
      const entry: LedgerEntry = { stage: e.stage, render };
      if (e.pending !== undefined) entry.pending = fromLines(e.pending, `${path}.pending`);
      if (e.block !== undefined) entry.block = { prefix: String((e.block as { prefix?: unknown }).prefix ?? '') };
      ledger.set(path, entry);
    } catch (error) {
      throw fail(`has a damaged entry for ${path} (${(error as Error).message})`);
    }
  }
  return ledger;
}

/** The ledger's text: paths sorted, fields in a fixed order, so the same run gives the same bytes. */
export function formatLedger(ledger: Ledger): string {
  const files: Record<string, unknown> = {};
  for (const path of [...ledger.keys()].sort()) {
    const e = ledger.get(path)!;
    files[path] = {
      stage: e.stage,
      ...(e.block ? { block: e.block } : {}),
      sha256: e.render === null ? null : sha256(e.render),
      render: e.render === null ? null : toLines(e.render),
      ...(e.pending !== undefined ? { pending: toLines(e.pending) } : {}),
    };
  }
  return `${JSON.stringify({ about: ABOUT, format: FORMAT, files }, null, 2)}\n`;
}
