/** One rendered output file: a path relative to the repository root and its full text. */
export interface OutputFile {
  path: string;
  content: string;
  /** File mode; shell scripts (*.sh) default to 0o755, everything else to the usual 0o644. */
  mode?: number;
  /**
   * Not a whole file: a marked block of ours inside a file the user owns (their
   * Makefile's `include containerize.mk`), written between marker lines with the
   * rest of their file untouched (lib/write/ownership.ts).
   */
  block?: boolean;
  /** Placed beside a file of the user's (lib/render/layout.ts): theirs, and how to use ours. */
  beside?: { of: string; use: string };
}

/** The mode a rendered file gets: explicit, else executable for shell scripts. */
export const modeOf = (file: OutputFile): number | undefined => file.mode ?? (file.path.endsWith('.sh') ? 0o755 : undefined);

/**
 * A stage's own check of what it rendered (cross-references the linters cannot see), run by
 * the run loop after `files(model)` and before anything is written (lib/generator/stage.ts):
 * the problems, or none.
 */
export type StageCheck = (model: import('../model/types.js').StackModel, files: OutputFile[]) => string[];
