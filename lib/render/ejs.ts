/**
 * The template engine: EJS with a small set of helpers every template uses,
 * so that quoting is done one way everywhere. Helm `{{ }}` and Actions
 * `${{ }}` need no escaping: EJS only reacts to `<% %>`.
 */
import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import { stringify } from 'yaml';

/** A YAML scalar, quoted when YAML would otherwise read it as something else (true, 1.10, null, ": "...). */
export function yamlScalar(value: string | number | boolean | null): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** A JSON string literal (also valid for Dockerfile exec-form arrays). */
export const json = (value: unknown): string => JSON.stringify(value);

export const helpers = { yamlScalar, json };

/** Render the template file at `path` with `data` plus the shared helpers. */
export function renderFile(path: string, data: Record<string, unknown>): string {
  const template = readFileSync(path, 'utf8');
  return ejs.render(template, { ...helpers, ...data }, { filename: path, rmWhitespace: false });
}
