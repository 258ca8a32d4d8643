/**
 * Validation run on every rendered file before anything is written, so a
 * broken template can never reach the user's tree. The heavy validators
 * (helm, Kubernetes schemas, actionlint, the Compose schema, a Dockerfile
 * linter) run in the test suite over every scenario; here we make sure each
 * file parses as what its name says it is.
 */
import { Composer, Parser, parseAllDocuments } from 'yaml';
import type { OutputFile } from '../render/types.js';

export class OutputError extends Error {
  constructor(readonly problems: string[]) {
    super(`Generated files failed validation (nothing was written):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'OutputError';
  }
}

/** Helm templates are not YAML until rendered; they are checked by helm in tests. */
const isHelmTemplate = (path: string) => /\/templates\//.test(path) && /\/helm\//.test(path);

/**
 * True when every document of a YAML stream parses without an error. Documents are composed one
 * at a time and dropped: a manifest of 500 Deployments is never held whole, so checking it
 * leaves short-lived garbage instead of growing the heap (the same Parser and Composer that
 * parseAllDocuments runs).
 */
export function yamlParses(text: string): boolean {
  const composer = new Composer();
  for (const doc of composer.compose(new Parser().parse(text))) if (doc.errors.length) return false;
  return true;
}

export function checkOutput(file: OutputFile): string[] {
  const problems: string[] = [];
  if (/\.(ya?ml)$/.test(file.path) && !isHelmTemplate(file.path)) {
    if (!yamlParses(file.content)) {
      // Only now the messages with their line numbers (parseAllDocuments keeps every document).
      for (const doc of parseAllDocuments(file.content)) {
        for (const e of doc.errors) problems.push(`${file.path}: ${e.message.split('\n')[0]}`);
      }
    }
  } else if (/\.json$/.test(file.path)) {
    try {
      JSON.parse(file.content);
    } catch (error) {
      problems.push(`${file.path}: ${(error as Error).message}`);
    }
  }
  if (!file.content.endsWith('\n')) problems.push(`${file.path}: does not end with a newline`);
  return problems;
}

export function validateOutputs(files: OutputFile[]): void {
  const problems = files.flatMap(checkOutput);
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) problems.push(`${f.path}: rendered twice (every output file has one owner)`);
    seen.add(f.path);
  }
  if (problems.length) throw new OutputError(problems);
}
