/**
 * The TOML reader of the detectors (Cargo.toml, rust-toolchain.toml, Rocket.toml, pyproject.toml,
 * Pipfile): flat `key = value` entries with their table and the line they start on, which a
 * full parser (smol-toml) does not give and evidence needs ("Cargo.toml:12"). Values stay raw
 * text: a multi-line array or inline table is joined with its newlines, a triple-quoted
 * string read to its end; the detectors read the few values they need from that text.
 */
export interface TomlEntry {
  /** Table header: 'package', 'dependencies.sqlx', 'tool.poetry.dependencies', 'bin'. */
  table: string;
  /** Occurrence index for arrays of tables ([[bin]]), 0 otherwise. */
  index: number;
  /** The key; a dotted key's parts joined with '.', quotes removed. */
  key: string;
  /** The raw value text (may span lines). */
  value: string;
  /** 1-based line of the key. */
  line: number;
}

/** The text before a comment, quotes respected. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** Open brackets and braces minus closed ones, outside quotes: > 0 while an array or inline table goes on. */
function depth(s: string): number {
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') n++;
    else if (c === ']' || c === '}') n--;
  }
  return n;
}

const unquote = (s: string): string => s.trim().replace(/^"(.*)"$|^'(.*)'$/, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? '');
/** A dotted key or header, each part unquoted ("a.b".c is a.b.c); a quoted part keeps its dots. */
const dotted = (s: string): string => (s.match(/"[^"]*"|'[^']*'|[^.]+/g) ?? []).map((k) => unquote(k)).join('.');

export function tomlEntries(text: string): TomlEntry[] {
  const out: TomlEntry[] = [];
  const lines = text.split('\n');
  let table = '';
  let index = 0;
  const counts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim();
    if (!line) continue;
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]$/.exec(line);
    if (arrayHeader) {
      table = dotted(arrayHeader[1]!);
      index = counts.get(table) ?? 0;
      counts.set(table, index + 1);
      continue;
    }
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = dotted(header[1]!);
      index = 0;
      continue;
    }
    const kv = /^((?:"[^"]*"|'[^']*'|[\w.\- ])+?)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2]!;
    const start = i;
    const delim = value.startsWith('"""') ? '"""' : value.startsWith("'''") ? "'''" : null;
    if (delim) while (!value.slice(3).includes(delim) && i + 1 < lines.length) value += `\n${lines[++i]!}`;
    else while (depth(value) > 0 && i + 1 < lines.length) value += `\n${stripComment(lines[++i]!)}`;
    out.push({ table, index, key: dotted(kv[1]!), value: value.trimEnd(), line: start + 1 });
  }
  return out;
}

/** Every table header of the text, entries or not ([dependencies], [[bin]]). */
export function tomlTables(text: string): Set<string> {
  const out = new Set<string>();
  for (const l of text.split('\n')) {
    const m = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?/.exec(stripComment(l));
    if (m) out.add(dotted(m[1]!));
  }
  return out;
}
