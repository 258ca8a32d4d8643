/** One rendered output file: a path relative to the repository root and its full text. */
export interface OutputFile {
  path: string;
  content: string;
}
