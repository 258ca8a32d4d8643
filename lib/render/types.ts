/** One rendered output file: a path relative to the repository root and its full text. */
export interface OutputFile {
  path: string;
  content: string;
  /** File mode; shell scripts (*.sh) default to 0o755, everything else to the usual 0o644. */
  mode?: number;
}

/** The mode a rendered file gets: explicit, else executable for shell scripts. */
export const modeOf = (file: OutputFile): number | undefined => file.mode ?? (file.path.endsWith('.sh') ? 0o755 : undefined);
