/**
 * The escaping helpers, one per output format. A model field reaches an output only
 * through the helper of that output's syntax, so a value stays data wherever it lands
 * (the model validator, lib/model/kinds.ts, is the first line of defence: no field but an
 * env value holds a line break; these are the second):
 *
 *   YAML          yamlScalar, safeStringify / yamlBlock (lib/render/ejs.ts): YAML 1.1 and 1.2 safe
 *   JSON, exec form, Dockerfile LABEL/ENV values   json / JSON.stringify
 *   POSIX shell   shellQuote (only where needed), shq (always single-quoted), shellJoin
 *   dotenv        dotenv (Compose's env files, .env.example)
 *   Makefile      makeRecipe ($ doubled; a recipe line is one line)
 *   comments      comment (one line: control characters shown as escapes)
 */

/** POSIX shell quoting, only where needed: `a b` → `'a b'`. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words for a shell command line, each quoted where needed. */
export const shellJoin = (words: string[]): string => words.map(shellQuote).join(' ');

/** A POSIX shell single-quoted word, always quoted. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A value for a dotenv line that Docker Compose and python-dotenv read back unchanged. */
export function dotenv(value: string): string {
  if (/^[A-Za-z0-9_./:@%+,=~-]*$/.test(value)) return value;
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  // Double quotes (Compose's parser reads \n, \r, \\, \" and \$ there; a tab stays as it is).
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\$/g, '\\$')}"`;
}

/** A shell command line inside a Makefile recipe: make's `$` doubled, on one line. */
export const makeRecipe = (line: string): string => comment(line).replace(/\$/g, '$$$$');

/**
 * Text for a comment line (`# ...` in YAML, a Dockerfile, a shell script, a Makefile or
 * dotenv): one line, whatever it holds; a control character (a line break...) shows as its
 * JSON escape instead of ending the comment.
 */
export function comment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1).replace(/^[\u007f-\u009f\u2028\u2029]$/, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
