/** One rendered output file: a path relative to the repository root and its full text. */
export interface OutputFile {
  path: string;
  content: string;
  /** File mode; shell scripts (*.sh) default to 0o755, everything else to the usual 0o644. */
  mode?: number;
  /**
   * When `path` exists and is not ours (no generated marker), write here instead and say so in
   * the summary: e.g. our .github/dependabot.yml beside the user's own. Without it, such a file
   * goes through the usual overwrite checks.
   */
  beside?: string;
}

/** The mode a rendered file gets: explicit, else executable for shell scripts. */
export const modeOf = (file: OutputFile): number | undefined => file.mode ?? (file.path.endsWith('.sh') ? 0o755 : undefined);
