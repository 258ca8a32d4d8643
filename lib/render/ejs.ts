/**
 * The template engine: EJS with a small set of helpers every template uses,
 * so that quoting is done one way everywhere. Helm `{{ }}` and Actions
 * `${{ }}` need no escaping: EJS only reacts to `<% %>`.
 */
import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import { Document, stringify, visit } from 'yaml';

/**
 * What YAML 1.1 parsers resolve implicitly (PyYAML, used by podman-compose; Go's yaml.v2
 * behind Helm and kubectl): bool, int, float, null, timestamp, merge, value, plus y/n.
 */
const YAML11_IMPLICIT = [
  /^(?:y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
  /^(?:<<|=)$/,
];

const SAFE_PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;

/**
 * A YAML scalar that YAML 1.2 and YAML 1.1 parsers both read back as the same
 * string (or as the number/boolean when given one): quoted when a parser would
 * otherwise read it as something else (true, yes, 1.10, 1:30, 2024-01-01, null, ": "...).
 */
export function yamlScalar(value: string | number | boolean | null): string {
  // Always one line, so a template can place it inline at any indentation: a multi-line
  // string becomes a double-quoted scalar with \n escapes, never a block scalar.
  if (typeof value === 'string' && (/[\n\r]/.test(value) || YAML_UNSAFE.test(value))) return yamlDoubleQuoted(value);
  // Names, paths and image references (a letter first; letters, digits, _ . / - after) are plain
  // scalars to every parser unless a resolver claims them (true, null, y...): the answer
  // stringify would give, without its cost (it ran for every value of every manifest).
  if (typeof value === 'string' && SAFE_PLAIN.test(value)) return YAML11_IMPLICIT.some((re) => re.test(value)) ? JSON.stringify(value) : value;
  const out = stringify(value, { lineWidth: 0 }).trimEnd();
  if (typeof value !== 'string') return out;
  const plain = !/^["'|>]/.test(out);
  return plain && (YAML11_IMPLICIT.some((re) => re.test(out)) || /^0o[0-7]+$/.test(out)) ? JSON.stringify(value) : out;
}

/** Characters that a YAML scalar must escape: C0/C1 controls, DEL, and U+2028/U+2029 (line breaks for YAML 1.1 parsers). */
const YAML_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** A double-quoted YAML scalar: JSON's escapes plus \uXXXX for the characters JSON leaves raw (DEL, C1, U+2028, U+2029). */
export function yamlDoubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * YAML text of a value that YAML 1.2 and YAML 1.1 parsers (Go's yaml.v2 behind Helm, kubectl
 * and kustomize; PyYAML) all read back as it is: every string scalar, keys included, that
 * either version would resolve to something else (y, on, 1:30, 0o17...) is double-quoted.
 */
export function safeStringify(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (YAML11_IMPLICIT.some((re) => re.test(node.value as string)) || YAML_UNSAFE.test(node.value) || /^0o[0-7]+$/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // Every string holding these is double-quoted above, where \uXXXX is their escape (the library leaves them raw).
  return doc.toString({ lineWidth: 0 }).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON string literal (also valid for Dockerfile exec-form arrays). */
export const json = (value: unknown): string => JSON.stringify(value);

/** Blocks already written, by value and indent: the manifests of many services repeat the same few. */
const blocks = new Map<string, string>();

/**
 * A value as YAML lines indented by `indent` spaces (no trailing newline), to place below a
 * key a template writes itself: `podSecurityContext:` then `<%- yamlBlock(ctx, 2) %>`.
 */
export function yamlBlock(value: unknown, indent: number): string {
  const key = `${indent} ${JSON.stringify(value)}`;
  let out = blocks.get(key);
  if (out === undefined) {
    const pad = ' '.repeat(indent);
    out = safeStringify(value)
      .trimEnd()
      .split('\n')
      .map((line) => pad + line)
      .join('\n');
    if (blocks.size > 10_000) blocks.clear();
    blocks.set(key, out);
  }
  return out;
}

export const helpers = { yamlScalar, json, yamlBlock };

/** Template texts by path: a run renders the same few templates for every service. */
const texts = new Map<string, string>();

/**
 * Render the template file at `path` with `data` plus the shared helpers. Each template is
 * read and compiled once per process (EJS's own cache, keyed by file name, includes too):
 * compiling it again for each of 500 services was most of the rendering time.
 */
export function renderFile(path: string, data: Record<string, unknown>): string {
  let template = texts.get(path);
  if (template === undefined) texts.set(path, (template = readFileSync(path, 'utf8')));
  return ejs.render(template, { ...helpers, ...data }, { filename: path, rmWhitespace: false, cache: true });
}

/** Blank-line and trailing-space hygiene, so templates can be laid out for reading: no trailing spaces, at most one blank line, one newline at the end. */
export function tidy(text: string): string {
  return `${text
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
