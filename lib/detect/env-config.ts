/**
 * Environment variables read through configuration libraries, where the variable's
 * name is not written as a literal next to a getenv call but follows from the
 * library's rules:
 *
 * - Go viper: with AutomaticEnv, `viper.GetString("http.port")` reads
 *   <PREFIX>_HTTP_PORT (SetEnvPrefix, SetEnvKeyReplacer); BindEnv names one outright;
 *   SetDefault gives the default.
 * - Node `config` (node-config): config/custom-environment-variables.{json,yaml} maps
 *   settings to variables; config/default.* gives their defaults.
 * - Node convict schemas (`env: 'PORT'` beside `default: 3000`), envalid's
 *   `cleanEnv(process.env, { NAME: str(...) })` and zod schemas parsed from process.env.
 * - Python pydantic `BaseSettings` classes: each field is a variable (env_prefix +
 *   field name, upper case), or its `validation_alias`/`alias`/`env`.
 *
 * Each read carries the 'file:line' it came from and the default the code gives, as
 * scanEnvReads (lib/detect/scan.ts) does for the literal idioms.
 */
import { isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { isSecretName } from '../model/secrets.js';
import { joinRel } from './repo.js';
import type { EnvRead } from './scan.js';
import type { RepoView } from './types.js';

/** A literal (string, number, boolean) at the start of `s`, or undefined. */
function literal(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const m = /^\s*(?:'([^'\n]*)'|"([^"\n]*)"|`([^`$\n]*)`|(-?\d+(?:\.\d+)?)\b|(true|false|True|False)\b)/.exec(s);
  if (!m) return undefined;
  const text = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]!;
  return text === '' ? undefined : text;
}

const read = (name: string, value: string | undefined, source: string): EnvRead => ({ name, value: isSecretName(name) ? undefined : value, source });
const upperName = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
const isName = (s: string): boolean => /^[A-Z][A-Z0-9_]*$/.test(s);

// ---- Go: viper ---------------------------------------------------------------------

function viperReads(repo: RepoView, files: string[]): EnvRead[] {
  const goFiles = files.filter((f) => f.endsWith('.go'));
  const texts = goFiles.map((f) => ({ file: f, lines: (repo.read(f) ?? '').split('\n') }));
  const all = texts.map((t) => t.lines.join('\n')).join('\n');
  if (!/\bviper\b/.test(all)) return [];
  const automatic = /\.AutomaticEnv\(\)/.test(all);
  const prefix = /\.SetEnvPrefix\(\s*"([^"]+)"\s*\)/.exec(all)?.[1];
  const replacer = /\.SetEnvKeyReplacer\(\s*strings\.NewReplacer\(([^)]*)\)/.exec(all)?.[1];
  const pairs = [...(replacer ?? '').matchAll(/"([^"]*)"\s*,\s*"([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
  const envOf = (key: string): string | null => {
    let k = key;
    for (const [from, to] of pairs) k = k.split(from).join(to);
    const name = `${prefix ? `${prefix}_` : ''}${k}`.toUpperCase();
    return isName(name) ? name : null;
  };
  const defaults = new Map<string, string>();
  for (const m of all.matchAll(/\.SetDefault\(\s*"([^"]+)"\s*,\s*([^)]*)\)/g)) {
    const v = literal(m[2]);
    if (v !== undefined) defaults.set(m[1]!, v);
  }
  const out: EnvRead[] = [];
  const seen = new Set<string>();
  const add = (name: string | null, key: string, source: string) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    out.push(read(name, defaults.get(key), source));
  };
  const bound = new Map<string, string>();
  for (const { file, lines } of texts) {
    lines.forEach((line, i) => {
      const bind = /\.BindEnv\(\s*"([^"]+)"\s*(?:,\s*"([A-Z][A-Z0-9_]*)")?/.exec(line);
      if (bind) {
        const name = bind[2] ?? envOf(bind[1]!);
        if (name) bound.set(bind[1]!, name);
        add(name, bind[1]!, `${file}:${i + 1}`);
      }
    });
  }
  for (const { file, lines } of texts) {
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/\bviper\.(?:Get\w*|IsSet)\(\s*"([^"]+)"\s*\)|\.SetDefault\(\s*"([^"]+)"/g)) {
        const key = m[1] ?? m[2]!;
        if (bound.has(key)) continue;
        if (automatic) add(envOf(key), key, `${file}:${i + 1}`);
      }
    });
  }
  return out;
}

// ---- Node: node-config, convict, envalid, zod --------------------------------------

/** Leaves of a parsed settings tree, with their dotted paths. */
function leaves(node: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const obj = node as Record<string, unknown>;
    // node-config's { "__name": "VAR", "__format": "json" }
    if (typeof obj.__name === 'string') return [{ path, value: obj.__name }];
    return Object.entries(obj).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value: node }];
}

function parseSettings(repo: RepoView, file: string): { doc: Document; counter: LineCounter } | null {
  const text = repo.read(file);
  if (text === null) return null;
  const counter = new LineCounter();
  try {
    const doc = parseDocument(text, { lineCounter: counter });
    return doc.errors.length ? null : { doc, counter };
  } catch {
    return null;
  }
}

function nodeConfigReads(repo: RepoView, dir: string): EnvRead[] {
  const at = (name: string) => ['json', 'yaml', 'yml'].map((e) => joinRel(dir, 'config', `${name}.${e}`)).find((f) => repo.exists(f));
  const mapFile = at('custom-environment-variables');
  if (!mapFile) return [];
  const map = parseSettings(repo, mapFile);
  if (!map) return [];
  const defaultsFile = at('default');
  const defaults = defaultsFile ? parseSettings(repo, defaultsFile) : null;
  const out: EnvRead[] = [];
  for (const leaf of leaves(map.doc.toJS())) {
    if (typeof leaf.value !== 'string' || !isName(leaf.value)) continue;
    const node = map.doc.getIn(leaf.path, true);
    const line = isScalar(node) && node.range ? map.counter.linePos(node.range[0]).line : 1;
    const d = defaults?.doc.getIn(leaf.path);
    out.push(read(leaf.value, typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? String(d) : undefined, `${mapFile}:${line}`));
  }
  return out;
}

/** The lines of the object literal around line `i` (from its `{` to its `}`), for a default beside `env:`. */
function objectAround(lines: string[], i: number): string {
  let start = i;
  while (start > 0 && !/\{\s*$|\{[^}]*$/.test(lines[start]!) && i - start < 8) start--;
  let end = i;
  while (end < lines.length - 1 && !/\}/.test(lines[end]!) && end - i < 8) end++;
  return lines.slice(start, end + 1).join('\n');
}

function nodeSchemaReads(repo: RepoView, files: string[]): EnvRead[] {
  const out: EnvRead[] = [];
  for (const file of files.filter((f) => /\.[cm]?[jt]sx?$/.test(f))) {
    const text = repo.read(file) ?? '';
    const lines = text.split('\n');
    const convict = /\bconvict\s*\(/.test(text);
    const schema = /\bcleanEnv\s*\(|\bcreateEnv\s*\(|\benvsafe\s*\(|\.(?:safe)?[pP]arse\(\s*process\.env\s*\)/.test(text);
    if (!convict && !schema) continue;
    lines.forEach((line, i) => {
      const src = `${file}:${i + 1}`;
      if (convict) {
        const env = /\benv\s*:\s*['"]([A-Z][A-Z0-9_]*)['"]/.exec(line);
        // The default sits in the same object: on this line for a one-line object, else around it.
        const scope = /\{.*\benv\s*:.*\}/.test(line) ? line : objectAround(lines, i);
        if (env) out.push(read(env[1]!, literal(/\bdefault\s*:\s*(.*)$/m.exec(scope)?.[1]), src));
      }
      if (schema) {
        // envalid: NAME: str({ default: 'x' }); zod: NAME: z.string().default('x')
        const key = /^\s*([A-Z][A-Z0-9_]*)\s*:\s*(?:str|num|port|url|host|bool|email|json|makeValidator\w*|z\.)\b/.exec(line);
        if (key) out.push(read(key[1]!, literal(/\bdefault\s*(?::\s*|\(\s*)(.*)$/.exec(line)?.[1]), src));
      }
    });
  }
  return out;
}

// ---- Python: pydantic BaseSettings -------------------------------------------------

function pydanticReads(repo: RepoView, files: string[]): EnvRead[] {
  const out: EnvRead[] = [];
  for (const file of files.filter((f) => f.endsWith('.py'))) {
    const text = repo.read(file) ?? '';
    if (!/\bBaseSettings\b/.test(text)) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^(\s*)class\s+\w+\s*\([^)]*\bBaseSettings\b[^)]*\)\s*:/.test(lines[i]!)) continue;
      const classIndent = /^(\s*)/.exec(lines[i]!)![1]!.length;
      // The class body: lines indented deeper than the class line.
      let j = i + 1;
      const body: { text: string; no: number }[] = [];
      for (; j < lines.length; j++) {
        const l = lines[j]!;
        if (l.trim() === '' || /^\s*#/.test(l)) continue;
        if (/^(\s*)/.exec(l)![1]!.length <= classIndent) break;
        body.push({ text: l, no: j + 1 });
      }
      if (!body.length) continue;
      const indent = /^(\s*)/.exec(body[0]!.text)![1]!.length;
      const bodyText = body.map((b) => b.text).join('\n');
      const prefix = /\benv_prefix\s*=\s*['"]([^'"]*)['"]/.exec(bodyText)?.[1] ?? '';
      for (const b of body) {
        if (/^(\s*)/.exec(b.text)![1]!.length !== indent) continue;
        const field = /^\s*([A-Za-z]\w*)\s*:\s*([^=]+?)\s*(?:=\s*(.*))?$/.exec(b.text);
        if (!field || field[1] === 'model_config' || /\bClassVar\b/.test(field[2]!)) continue;
        const rhs = field[3]?.trim();
        const alias = rhs ? /\b(?:validation_alias|alias|env)\s*=\s*['"]([A-Za-z_]\w*)['"]/.exec(rhs)?.[1] : undefined;
        const name = alias ? alias.toUpperCase() : upperName(`${prefix}${field[1]}`);
        if (!isName(name)) continue;
        let value: string | undefined;
        if (rhs && /^Field\s*\(/.test(rhs)) value = literal(/\bdefault\s*=\s*(.*)$/.exec(rhs)?.[1] ?? rhs.replace(/^Field\s*\(/, ''));
        else value = literal(rhs);
        const secretType = /\bSecret(?:Str|Bytes)\b/.test(field[2]!);
        out.push({ name, value: secretType || isSecretName(name) ? undefined : value, source: `${file}:${b.no}` });
      }
      i = j - 1;
    }
  }
  return out;
}

/** Every variable a service reads through a configuration library (see the header). */
export function configLibraryReads(repo: RepoView, dir: string, files: string[]): EnvRead[] {
  return [...viperReads(repo, files), ...nodeConfigReads(repo, dir), ...nodeSchemaReads(repo, files), ...pydanticReads(repo, files)];
}
