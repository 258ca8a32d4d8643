/**
 * Validators keyed by the semantic kind of a value (as Azure Draft types its
 * variables). Each returns null when the value is valid, else a message that
 * completes "<field>: <message>" and says what the value is, what is expected
 * and gives an example, so a person can act on it. They are pure and are
 * re-run on the final merged model, because flags, answers files and mocked
 * answers skip prompts.
 *
 * The kinds are what makes a model field data, never syntax, in every output
 * (Dockerfile, shell, YAML, Makefile, dotenv, comments): no kind admits a line
 * break or another control character except an env value, which may hold a
 * line break or a tab (each output escapes those its own way); paths, names
 * and file names hold only characters that mean nothing to a shell, to YAML or
 * to a Dockerfile. Render-time escaping (lib/render/escape.ts) is the second
 * line of defence.
 */
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';

export type Check = (value: unknown) => string | null;

/** RFC 1035 label: what Kubernetes requires of Service names (RFC 1123 labels may start with a digit). */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Registry host[:port] plus optional path; lower case, as OCI references require. */
const IMAGE_PREFIX = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** DNS labels that YAML 1.1 parsers read as booleans or null wherever the name is a key or a label value. */
const YAML_WORDS = /^(?:y|n|yes|no|on|off|true|false|null)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z._-]{0,40}$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
/** A framework or package manager name: express, spring-boot, create-react-app, aspnetcore. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/;
/** One path segment of the POSIX portable file name set (plus @ and +): nothing a shell, YAML or a Dockerfile reads as syntax. */
export const PORTABLE_SEGMENT = /^[A-Za-z0-9_@+][A-Za-z0-9._@+-]*$|^\.[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*$/;
/** A file name (a binary's): portable characters, not starting with '-' or '.'. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;
/** An entry: a file, module:variable, package, project or glob (server.js, app:create_app(), ./cmd/api, target/*.jar). */
const ENTRY = /^[A-Za-z0-9._/:@+*()][A-Za-z0-9._/:@+*()-]{0,199}$/;

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators (YAML 1.1 reads U+0085, U+2028, U+2029 as line breaks). */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** The same, but a tab and a line feed are allowed: what an env value may hold. */
const VALUE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const MAX_SHOWN = 60;

/** A value as error messages show it: JSON (so a line break shows as \n), shortened; never raw control characters. */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') {
    const s = JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
    return s.replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return value.length > 6 ? `a list of ${value.length} items` : `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return JSON.stringify(value) ?? String(value);
}

/** What a control character in a value is called in messages. */
function controlName(text: string, re: RegExp = CONTROL): string {
  const c = re.exec(text)?.[0] ?? '';
  const names: Record<string, string> = { '\n': 'a line break', '\r': 'a carriage return', '\t': 'a tab', '\u0000': 'a NUL character', '\u2028': 'a line separator (U+2028)', '\u2029': 'a paragraph separator (U+2029)', '\u0085': 'a next-line character (U+0085)' };
  return names[c] ?? `a control character (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
}

/** `<shown value> <problem>; expected <what>, e.g. <example>`. */
const bad = (value: unknown, problem: string, expected: string, example: string): string => `${show(value)} ${problem}; expected ${expected}, e.g. ${example}`;

const typeName = (v: unknown): string => (v === undefined ? 'missing' : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v === 'string' ? 'a string' : `a ${typeof v}`);

/** A string check shared by the path-like kinds: type, emptiness, control characters. */
function stringProblem(value: unknown, expected: string, example: string, control: RegExp = CONTROL): string | null {
  if (typeof value !== 'string') return `${show(value)} is ${typeName(value)}; expected ${expected}, e.g. ${example}`;
  if (value === '') return `is empty; expected ${expected}, e.g. ${example}`;
  if (control.test(value)) return bad(value, `holds ${controlName(value, control)}`, expected, example);
  return null;
}

/** A relative POSIX path of portable segments; `up` allows leading '..' segments (a lockfile in a parent folder). */
function portablePath(value: unknown, expected: string, example: string, up = false, file = false): string | null {
  const p = stringProblem(value, expected, example);
  if (p) return p;
  const v = value as string;
  if (isAbsolute(v) || v.startsWith('/')) return bad(v, 'is an absolute path', expected, example);
  if (v.includes('\\')) return bad(v, 'holds a backslash (paths are POSIX, with /)', expected, example);
  if (v === '.') return file ? bad(v, 'names a folder, not a file', expected, example) : null;
  const segments = v.replace(/\/+$/, '').split('/');
  let leading = true;
  for (const s of segments) {
    if (s === '..') {
      if (!up || !leading) return bad(v, "leaves the folder with '..'", expected, example);
      continue;
    }
    leading = false;
    if (s === '' || s === '.') return bad(v, "has an empty or '.' segment", expected, example);
    if (!PORTABLE_SEGMENT.test(s))
      return bad(v, `has the segment ${show(s)}, with characters other than letters, digits, '.', '_', '-', '@' and '+' (or starting with '-')`, expected, example);
  }
  if (leading) return bad(v, 'names no file', expected, example);
  return null;
}

export const kinds = {
  /**
   * A DNS label that is valid everywhere the name goes: Kubernetes Service names (RFC 1035:
   * starting with a letter), other object names, Compose service names and hostnames.
   */
  dnsLabel(value: unknown): string | null {
    const expected = "a DNS-1123 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters";
    if (typeof value !== 'string') return `${show(value)} is ${typeName(value)}; expected ${expected}, e.g. web`;
    if (value === '') return `is empty; expected ${expected}, e.g. web`;
    if (value.length > 63) return bad(value, `is ${value.length} characters long`, expected, 'web');
    if (YAML_WORDS.test(value)) return bad(value, 'reads as a boolean or null in YAML 1.1 (Helm, kubectl and kustomize parse it so)', expected, `${value}-app`);
    if (!DNS_LABEL.test(value)) return bad(value, 'is not a DNS-1123 label', expected, value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '') || 'web');
    return null;
  },
  port(value: unknown): string | null {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
      return `${show(value)} is not a port; expected an integer from 1 to 65535, e.g. 3000`;
    return null;
  },
  optionalPort(value: unknown): string | null {
    return value === null ? null : kinds.optionalPortOrNull(value);
  },
  optionalPortOrNull(value: unknown): string | null {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
      return `${show(value)} is not a port; expected an integer from 1 to 65535 (null for a worker with no port), e.g. 3000`;
    return null;
  },
  imagePrefix(value: unknown): string | null {
    if (typeof value !== 'string' || !IMAGE_PREFIX.test(value))
      return `${show(value)} is not a registry/namespace prefix; expected lower-case host[:port]/path, e.g. ghcr.io/acme or registry.example.com:5000/team`;
    return null;
  },
  envName(value: unknown): string | null {
    if (typeof value === 'string' && value.length > 256) return `${show(value)} is ${value.length} characters long; expected an environment variable name of at most 256 characters, e.g. DATABASE_URL`;
    if (typeof value !== 'string' || !ENV_NAME.test(value))
      return `${show(value)} is not an environment variable name; expected letters, digits and '_', not starting with a digit, e.g. DATABASE_URL`;
    return null;
  },
  /** An env value: any text but control characters (a line break and a tab are allowed), or null when unknown. */
  envValue(value: unknown): string | null {
    if (value === null) return null;
    if (typeof value !== 'string') return `${show(value)} is ${typeName(value)}; expected a string (or null when unknown), e.g. "info"`;
    if (VALUE_CONTROL.test(value)) return bad(value, `holds ${controlName(value, VALUE_CONTROL)}`, 'text (a line break and a tab are allowed, other control characters are not)', '"info"');
    if (value.length > 4096) return bad(value, `is ${value.length} characters long`, 'at most 4096 characters', '"info"');
    return null;
  },
  version(value: unknown): string | null {
    if (typeof value !== 'string' || !VERSION.test(value))
      return `${show(value)} is not a version; expected letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. 22, 3.12 or 1.23`;
    return null;
  },
  httpPath(value: unknown): string | null {
    if (value === null) return null;
    if (typeof value !== 'string' || !HTTP_PATH.test(value) || value.length > 512)
      return `${show(value)} is not an HTTP path; expected '/' then URL path characters (null for a TCP check), e.g. /healthz`;
    return null;
  },
  /** A framework or package manager: a name, or null. */
  name(value: unknown): string | null {
    if (value === null) return null;
    if (typeof value !== 'string' || !NAME.test(value))
      return `${show(value)} is not a name; expected letters, digits, '.', '_', '+' and '-' (null for none), e.g. express`;
    return null;
  },
  boolean(value: unknown): string | null {
    return typeof value === 'boolean' ? null : `${show(value)} is ${typeName(value)}; expected true or false, e.g. true`;
  },
  /** An exec-form command: a list of words, each one line of text without control characters. */
  command(value: unknown): string | null {
    const expected = 'a list of words (exec form), each one line without control characters';
    if (!Array.isArray(value)) return `${show(value)} is ${typeName(value)}; expected ${expected}, e.g. ["node", "server.js"] (--set web.start="node server.js")`;
    for (const [i, w] of value.entries()) {
      if (typeof w !== 'string') return `word ${i + 1} ${show(w)} is ${typeName(w)}; expected ${expected}, e.g. ["node", "server.js"]`;
      if (w === '') return `word ${i + 1} is empty; expected ${expected}, e.g. ["node", "server.js"]`;
      if (CONTROL.test(w)) return `word ${i + 1} ${bad(w, `holds ${controlName(w)}`, expected, '["node", "server.js"]')}`;
      if (w.length > 1024) return `word ${i + 1} is ${w.length} characters long; expected at most 1024, e.g. server.js`;
    }
    return null;
  },
  /**
   * A shell command line (the build command): one line without control characters, no
   * trailing backslash (it would join the next Dockerfile line) and no heredoc (its body
   * would be the next lines), or null.
   */
  shellLine(value: unknown): string | null {
    if (value === null) return null;
    const expected = 'one shell command line (null for none)';
    const p = stringProblem(value, expected, '"npm run build"');
    if (p) return p;
    const v = value as string;
    if (/\\\s*$/.test(v)) return bad(v, 'ends with a backslash, which would continue onto the next Dockerfile line', expected, '"npm run build"');
    if (/<<-?\s*['"]?[A-Za-z_]/.test(v)) return bad(v, 'holds a heredoc (<<), whose body would be the next Dockerfile lines', expected, '"npm run build"');
    if (v.length > 2048) return bad(v, `is ${v.length} characters long`, 'at most 2048 characters', '"npm run build"');
    return null;
  },
  /** A folder or file relative to the repository root, inside it (existence and symlinks: `insideRepo`). */
  relPath(value: unknown): string | null {
    return portablePath(value, "a relative path inside the repository, of letters, digits, '.', '_', '-', '@' and '+' ('.' for the root)", 'services/api');
  },
  /** A path relative to the service folder that may climb to a parent folder of the repository (a workspace's lockfile). */
  lockfile(value: unknown): string | null {
    if (value === null) return null;
    return portablePath(value, "a file relative to the service folder, of letters, digits, '.', '_', '-', '@' and '+' (null for none)", 'package-lock.json or ../../pnpm-lock.yaml', true, true);
  },
  /** A folder relative to the service folder (a static build's output), or null. */
  outputDir(value: unknown): string | null {
    if (value === null) return null;
    return portablePath(value, "a folder relative to the service folder, of letters, digits, '.', '_', '-', '@' and '+' (null for none)", 'dist');
  },
  /** A Dockerfile the user has, relative to the repository root, or null. */
  dockerfile(value: unknown): string | null {
    if (value === null) return null;
    return portablePath(value, "a file relative to the repository root, of letters, digits, '.', '_', '-', '@' and '+' (null to generate one)", 'docker/api.Dockerfile', false, true);
  },
  /** A language-specific entry (file, module:variable, package, project, jar glob), or null. */
  entry(value: unknown): string | null {
    if (value === null) return null;
    const expected = "a file, module or package: letters, digits and . _ / : @ + * ( ) -, no spaces (null for none)";
    const p = stringProblem(value, expected, 'server.js, app:app or ./cmd/api');
    if (p) return p;
    if (!ENTRY.test(value as string)) return bad(value, 'holds characters other than those', expected, 'server.js, app:app or ./cmd/api');
    if ((value as string).split('/').includes('..')) return bad(value, "leaves the folder with '..'", expected, 'server.js');
    return null;
  },
  /** A file name (a built binary's): it is copied and run by name. */
  fileName(value: unknown): string | null {
    if (typeof value !== 'string' || !FILE_NAME.test(value))
      return `${show(value)} is not a file name; expected letters, digits, '.', '_', '+' and '-', not starting with '.' or '-', e.g. server`;
    return null;
  },
  /** One of a fixed list, or absent (the default is derived). */
  oneOf(choices: readonly string[]): Check {
    return (value) => (value === undefined || choices.includes(value as string) ? null : `${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
  },
} satisfies Record<string, Check | ((choices: readonly string[]) => Check)>;

export type Kind = keyof typeof kinds;

/**
 * Where a path inside the repository really leads: an existing path's real location (symlinks
 * resolved), or for a missing one its deepest existing folder's. Null when it leads outside
 * `root`. The repository is a boundary: nothing is read or written outside it.
 */
export function insideRepo(root: string, rel: string): string | null {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return null;
  }
  let probe = join(root, rel);
  let rest = '';
  // The deepest existing ancestor (the path itself when it exists).
  for (;;) {
    if (existsLink(probe)) break;
    const up = dirname(probe);
    if (up === probe) return null;
    rest = rest ? join(probe.slice(up.length + 1), rest) : probe.slice(up.length + 1);
    probe = up;
  }
  let real: string;
  try {
    real = realpathSync(probe);
  } catch {
    return null; // a dangling symlink: where it leads cannot be told
  }
  const inside = real === realRoot || real.startsWith(realRoot + sep);
  return inside ? join(real, rest) : null;
}

/** True when something is at `path` (a symlink counts, dangling or not). */
function existsLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `relPath` plus: the folder exists below `root`, and leads (symlinks resolved) inside it. */
export function existingDir(root: string, value: unknown): string | null {
  const bad = kinds.relPath(value);
  if (bad) return bad;
  const rel = value as string;
  const abs = join(root, rel);
  if (!existsSync(abs)) return `${show(rel)} does not exist (looked for ${abs}); expected an existing folder of the repository, e.g. services/api`;
  if (!statSync(abs).isDirectory()) return `${show(rel)} is not a folder; expected an existing folder of the repository, e.g. services/api`;
  const real = insideRepo(root, rel);
  if (real === null) return `${show(rel)} leads outside the repository (a symbolic link to ${realpathSync(abs)}): nothing is read or written outside ${root}; expected a folder of the repository, e.g. services/api`;
  return null;
}

/** A path relative to `root` that must stay inside it once symlinks are resolved; null when it does. */
export function boundaryProblem(root: string, rel: string): string | null {
  if (insideRepo(root, rel) !== null) return null;
  const abs = join(root, rel);
  let target = abs;
  try {
    target = realpathSync(abs);
  } catch {
    /* dangling */
  }
  return `${show(rel)} leads outside the repository${target !== abs ? ` (to ${target}, through a symbolic link)` : ''}: nothing is read or written outside ${root}; expected a path inside it (replace the symbolic link by a folder, e.g. a copy)`;
}

/** Turn any string into a DNS-1123 label (used for detected names, never to silently fix user input). */
export function toDnsLabel(raw: string, fallback = 'app'): string {
  const label = raw
    .toLowerCase()
    .replace(/^@[^/]+\//, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Kubernetes Service names must start with a letter: '2fa' becomes 'app-2fa', not 'fa'.
  const lettered = /^[0-9]/.test(label) ? `${fallback || 'svc'}-${label}` : label;
  return lettered.slice(0, 63).replace(/-+$/g, '') || fallback;
}
