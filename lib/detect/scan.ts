/**
 * Cross-language scanners over a service's files: the port it listens on, the
 * environment variables its code reads, its health route and the hostnames it
 * talks to. They read text line by line with regular expressions (no parsers):
 * cheap, language-agnostic and good enough for the common idioms; every hit is
 * reported as 'file:line' so the user can check it.
 *
 * The language of a file is taken from its extension, so a Node service with
 * TypeScript files or a Python service with a Go helper is scanned correctly.
 */
import { isSecretName, looksSecretValue } from '../model/secrets.js';
import { kinds } from '../model/kinds.js';
import { PROJECT_MANIFESTS, isManifestFile } from './project.js';
import { parseAllDocuments, isScalar, LineCounter, type Document } from 'yaml';
import { configLibraryReads } from './env-config.js';
import { joinRel } from './repo.js';
import type { Fact, RepoView } from './types.js';

/** Plain code-unit order: the same on every machine, whatever its locale (unlike localeCompare). */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---- files -------------------------------------------------------------------

/** Source families, by file extension. */
export type Family = 'js' | 'py' | 'go' | 'jvm' | 'rb' | 'php' | 'net' | 'rs' | 'ex';

const FAMILY_BY_EXT: Record<string, Family> = {
  js: 'js', mjs: 'js', cjs: 'js', jsx: 'js', ts: 'js', tsx: 'js', mts: 'js', cts: 'js', vue: 'js', svelte: 'js',
  py: 'py',
  go: 'go',
  java: 'jvm', kt: 'jvm', groovy: 'jvm', scala: 'jvm',
  rb: 'rb', ru: 'rb',
  php: 'php',
  cs: 'net', fs: 'net', vb: 'net',
  rs: 'rs',
  ex: 'ex', exs: 'ex',
};

const basename = (file: string): string => file.slice(file.lastIndexOf('/') + 1);
const dirname = (file: string): string => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.');

export function familyOf(file: string): Family | null {
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return name === 'Rakefile' || name === 'Gemfile' ? 'rb' : null;
  return FAMILY_BY_EXT[name.slice(dot + 1).toLowerCase()] ?? null;
}

/** Tests set their own ports and env; they say nothing about how the service runs. */
export function isTestFile(file: string): boolean {
  if (/(^|\/)(test|tests|__tests__|__mocks__|spec|specs|testdata|fixtures|e2e|cypress)\//.test(file)) return true;
  const name = basename(file);
  return /\.(test|spec)\.[a-z]+$|_test\.(go|py|exs?)$|^test_.*\.py$|^conftest\.py$|Tests?\.(java|kt|cs)$|_spec\.rb$/.test(name);
}

/** Tool configuration (vite, webpack, jest...) runs at build or test time, never in the container. */
const isToolConfig = (file: string): boolean => /\.config\.[cm]?[jt]s$|^(gulpfile|gruntfile|karma\.conf)\.[cm]?js$/i.test(basename(file));

/** Example env files: defaults that are safe to show (never the real `.env`, which may hold personal values). */
export const ENV_EXAMPLE_FILES = ['.env.example', '.env.sample', '.env.template', '.env.dist', '.env.defaults', 'example.env', 'sample.env'];
const ENV_FILES = [...ENV_EXAMPLE_FILES, '.env'];

interface Line {
  file: string;
  no: number;
  text: string;
}

/** Split files, per repository view: every scanner walks the same files several times. */
const LINES = new WeakMap<RepoView, Map<string, Line[]>>();

/** Lines of a file minus whole-line comments (the comment syntax depends on the file type). */
function linesOf(repo: RepoView, file: string): Line[] {
  let cache = LINES.get(repo);
  if (!cache) LINES.set(repo, (cache = new Map()));
  let lines = cache.get(file);
  if (!lines) cache.set(file, (lines = splitLines(repo.read(file), file)));
  return lines;
}

function splitLines(text: string | null, file: string): Line[] {
  if (text === null) return [];
  const family = familyOf(file);
  const hashComments = family === 'py' || family === 'rb' || family === 'ex' || family === null;
  const slashComments = family !== null && !hashComments;
  const out: Line[] = [];
  let inBlock = false;
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (slashComments) {
      if (inBlock) {
        if (t.includes('*/')) inBlock = false;
        return;
      }
      if (t.startsWith('/*') && !t.includes('*/')) {
        inBlock = true;
        return;
      }
      if (t.startsWith('//') || t.startsWith('/*') || t.startsWith('*')) return;
    }
    if (hashComments && t.startsWith('#')) return;
    out.push({ file, no: i + 1, text: raw });
  });
  return out;
}

const at = (l: Line): string => `${l.file}:${l.no}`;

/** Code files worth scanning: known source families, no tests. Order is kept (entry file first). */
export function codeFiles(files: string[]): string[] {
  return files.filter((f) => familyOf(f) !== null && !isTestFile(f));
}

/** Manifests that make a folder a buildable unit of its own, by language. */
const MANIFEST_NAMES = [...PROJECT_MANIFESTS, 'setup.cfg'];
const PROJECT_FILE = /\.(csproj|fsproj|vbproj)$/;

/** Manifest files directly in `dir` (repo-relative), in a fixed order; [] when the folder has none. */
export function manifestFiles(repo: RepoView, dir: string): string[] {
  const names = repo.list(dir);
  const fixed = MANIFEST_NAMES.filter((n) => names.includes(n) && isManifestFile(repo, joinRel(dir, n)));
  const extra = names.filter((n) => PROJECT_FILE.test(n) || /^requirements[\w.-]*\.txt$/.test(n) && n !== 'requirements.txt');
  return [...fixed, ...extra].map((n) => joinRel(dir, n)).filter((f) => !repo.isDir(f));
}

/** Every line of `files` matching `re`, as 'file:line' plus the match (comment lines skipped). */
export function grep(repo: RepoView, files: string[], re: RegExp): { source: string; match: RegExpExecArray }[] {
  const out: { source: string; match: RegExpExecArray }[] = [];
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (const file of files) {
    for (const line of linesOf(repo, file)) {
      for (const m of line.text.matchAll(global)) out.push({ source: at(line), match: m });
    }
  }
  return out;
}

// ---- literals ----------------------------------------------------------------

/**
 * A literal at the start of `s`: its text, null for None/null/nil/undefined,
 * or undefined when `s` does not start with a literal.
 */
function literalAt(s: string): string | null | undefined {
  const m = /^\s*(?:'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`$\\\n]*)`|(-?\d+(?:\.\d+)?)\b|(true|false|True|False)\b|(None|null|nil|undefined)\b)/.exec(s);
  if (!m) return undefined;
  if (m[6] !== undefined) return null;
  const text = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]!;
  // An empty default ("" = unset) is no value worth recording.
  return text === '' ? null : text;
}

/** Default value written as a call argument: `get("X", "d")`, `env('X', default='d')`. */
function argDefault(rest: string): string | null | undefined {
  const m = /^\s*,\s*(?:default\s*=\s*)?/.exec(rest);
  return m ? literalAt(rest.slice(m[0].length)) : undefined;
}

/** Default value written after the read: `|| 'd'`, `?? "d"`, `?: 'd'`, `or "d"`, `.unwrap_or("d")`, `.orElse("d")`, `{ 'd' }`. */
function continuationDefault(rest: string): string | null | undefined {
  const m =
    /^\s*(?:\)\s*)*(?:\|\||\?\?|\?:|\bor\b)\s*/.exec(rest) ??
    /^\s*(?:\)\s*)*\.\s*(?:unwrap_or|unwrap_or_else|orElse|or_else|getOrElse)\(\s*(?:\|_\|\s*)?(?:String::from\(\s*)?/.exec(rest) ??
    /^\s*\{\s*/.exec(rest);
  return m ? literalAt(rest.slice(m[0].length)) : undefined;
}

// ---- environment variables ---------------------------------------------------

/** One read of an environment variable in code. */
export interface EnvRead {
  name: string;
  /** Default visible in code (undefined: none written; null: an explicit None/null). Never set for secrets. */
  value: string | null | undefined;
  source: string;
}

/** How a read pattern finds its default: as a call argument, after the expression, or both. */
type DefaultStyle = 'arg' | 'after' | 'both';

interface ReadPattern {
  re: RegExp;
  style: DefaultStyle;
}

const ENV_NAME = '([A-Za-z_][A-Za-z0-9_]*)';
const Q = `['"\`]`;

/** Reads of one variable by name, per language idiom. Group 1 is the name; the match ends where a default may follow. */
const READ_PATTERNS: Record<Family, ReadPattern[]> = {
  js: [
    { re: new RegExp(`process\\.env\\.${ENV_NAME}`, 'g'), style: 'after' },
    { re: new RegExp(`process\\.env\\[\\s*${Q}${ENV_NAME}${Q}\\s*\\]`, 'g'), style: 'after' },
    { re: new RegExp(`(?:Deno\\.env\\.get|Bun\\.env\\.get)\\(\\s*${Q}${ENV_NAME}${Q}\\s*\\)`, 'g'), style: 'after' },
    { re: new RegExp(`Bun\\.env\\.${ENV_NAME}`, 'g'), style: 'after' },
    // NestJS / node-config: configService.get('REDIS_URL', 'redis://...'), config.get<string>('X')
    { re: new RegExp(`\\b(?:configService|config|configuration)\\.(?:get|getOrThrow)(?:<[^>]*>)?\\(\\s*${Q}([A-Z][A-Z0-9_]*)${Q}`, 'g'), style: 'both' },
  ],
  py: [
    { re: new RegExp(`\\benviron\\[\\s*['"]${ENV_NAME}['"]\\s*\\]`, 'g'), style: 'after' },
    { re: new RegExp(`\\benviron\\.get\\(\\s*['"]${ENV_NAME}['"]`, 'g'), style: 'both' },
    // django-environ / python-decouple style: env('X', default=...), config('X', default=...)
    { re: new RegExp(`\\b(?:env|config)(?:\\.\\w+)?\\(\\s*['"]([A-Z][A-Z0-9_]*)['"]`, 'g'), style: 'both' },
  ],
  go: [
    { re: new RegExp(`\\bos\\.(?:Getenv|LookupEnv)\\(\\s*"${ENV_NAME}"\\s*\\)`, 'g'), style: 'after' },
  ],
  jvm: [
    { re: new RegExp(`System\\.getenv\\(\\s*"${ENV_NAME}"\\s*\\)`, 'g'), style: 'after' },
    { re: new RegExp(`System\\.getenv\\(\\)\\.getOrDefault\\(\\s*"${ENV_NAME}"`, 'g'), style: 'arg' },
  ],
  rb: [
    { re: new RegExp(`\\bENV\\[\\s*['"]${ENV_NAME}['"]\\s*\\]`, 'g'), style: 'after' },
    { re: new RegExp(`\\bENV\\.fetch\\(\\s*['"]${ENV_NAME}['"]`, 'g'), style: 'both' },
  ],
  php: [
    { re: new RegExp(`\\$_ENV\\[\\s*['"]${ENV_NAME}['"]\\s*\\]`, 'g'), style: 'after' },
    // Laravel's env('X', 'default')
    { re: new RegExp(`(?<![\\w$>])env\\(\\s*['"]([A-Z][A-Z0-9_]*)['"]`, 'g'), style: 'both' },
  ],
  net: [
    { re: new RegExp(`Environment\\.GetEnvironmentVariable\\(\\s*"${ENV_NAME}"\\s*\\)`, 'g'), style: 'after' },
  ],
  rs: [
    { re: new RegExp(`\\b(?:env|dotenvy?)::var(?:_os)?\\(\\s*"${ENV_NAME}"\\s*\\)`, 'g'), style: 'after' },
  ],
  ex: [
    // System.get_env("X", "default") is read by the helper pattern; these take no default.
    { re: new RegExp(`System\\.(?:get_env|fetch_env!?)\\(\\s*"${ENV_NAME}"\\s*\\)`, 'g'), style: 'after' },
  ],
};

/**
 * Helpers people write around getenv in every language: getenv("X"), getEnv("X", "d"),
 * get_env("X", "d"), mustEnv("X", "d"), envOr("X", "d"), GetEnvOrDefault("X", "d"),
 * os.getenv("X", "d"), Laravel's env('X', 'd'). Any call whose name contains "env" with an
 * UPPER_CASE string as first argument: the upper case keeps ordinary calls out.
 */
const HELPER_READ: ReadPattern = {
  re: new RegExp(`\\b[A-Za-z_]*(?:env|Env|ENV)[A-Za-z_]*\\(\\s*${Q}([A-Z][A-Z0-9_]*)${Q}`, 'g'),
  style: 'both',
};

/**
 * Helpers that take where to store the value first and the name second, as Go code does:
 * mustMapEnv(&cfg.addr, "CART_SERVICE_ADDR"), lookupEnv(&port, "PORT", "8080").
 */
const HELPER_READ_SECOND: ReadPattern = {
  re: new RegExp(`\\b[A-Za-z_]*(?:env|Env|ENV)[A-Za-z_]*\\(\\s*&?[A-Za-z_][\\w.]*\\s*,\\s*${Q}([A-Z][A-Z0-9_]*)${Q}`, 'g'),
  style: 'both',
};

/** Methods of an env helper object or package: envy.Get("PORT", "3000"), envy.MustGet("DATABASE_URL"), Env.String("X"). */
const HELPER_METHOD_READ: ReadPattern = {
  re: new RegExp(`\\b[A-Za-z_]*(?:env|Env|ENV)[A-Za-z_]*\\.(?:Get|MustGet|String|Int|Bool|Float|Duration|get|str|int|bool)\\w*\\(\\s*${Q}([A-Z][A-Z0-9_]*)${Q}`, 'g'),
  style: 'both',
};

/**
 * .NET configuration keys (IConfiguration): Configuration["Cache:Host"] is read from the
 * environment as Cache__Host, GetConnectionString("Orders") as ConnectionStrings__Orders.
 * Group 1 is the key, as written.
 */
const NET_CONFIG_READS: { re: RegExp; style: DefaultStyle; name: (key: string) => string }[] = [
  { re: /\b(?:[Cc]onfiguration|[Cc]onfig|[Cc]fg)\s*\[\s*"([A-Za-z_][\w:.-]*)"\s*\]/g, style: 'after', name: (k) => k.replace(/:/g, '__') },
  { re: /\.GetValue<[^>]+>\(\s*"([A-Za-z_][\w:.-]*)"/g, style: 'both', name: (k) => k.replace(/:/g, '__') },
  { re: /\.GetConnectionString\(\s*"([A-Za-z_][\w.-]*)"\s*\)/g, style: 'after', name: (k) => `ConnectionStrings__${k}` },
];

/** Go struct tags of caarlos0/env and envconfig: `env:"REDIS_URL" envDefault:"redis://redis:6379"`, `envconfig:"PORT" default:"8080"`. */
const GO_ENV_TAG = /`[^`]*\b(?:env|envconfig):"([A-Z][A-Z0-9_]*)[^"]*"[^`]*`/g;
const GO_TAG_DEFAULT = /\b(?:envDefault|default):"([^"]*)"/;

/** Spring placeholders `${NAME:default}` (in @Value or application.properties/yml) read the environment. */
const SPRING_PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)(?::([^}]*))?\}/g;

/** Env names we keep: upper-case by convention (process.env.foo is almost always a typo or a tool's var). */
const isEnvName = (name: string): boolean => /^[A-Z][A-Z0-9_]*$/.test(name) && !name.startsWith('npm_');
/** .NET configuration keys keep their case (Cache__Host, ConnectionStrings__Orders). */
const isNetConfigName = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

/** Every env read in the given code files (and Spring config), in file order. Secrets never carry a value. */
export function scanEnvReads(repo: RepoView, files: string[]): EnvRead[] {
  const reads: EnvRead[] = [];
  const seen = new Map<string, EnvRead>();
  const push = (name: string, raw: string | null | undefined, source: string, netConfig = false) => {
    if (!(netConfig ? isNetConfigName(name) : isEnvName(name))) return;
    const value = raw === '' ? null : raw; // `${X:}`, default:"" mean "unset"
    const key = `${name}@${source}`;
    const before = seen.get(key);
    // Two patterns may see one read (os.getenv and the helper pattern); keep the one that found a default.
    if (before) {
      if (before.value === undefined && !isSecretName(name)) before.value = value;
      return;
    }
    const read: EnvRead = { name, value: isSecretName(name) ? undefined : value, source };
    seen.set(key, read);
    reads.push(read);
  };
  for (const file of files) {
    const family = familyOf(file);
    const spring = isSpringConfig(file);
    if (!family && !spring) continue;
    for (const line of linesOf(repo, file)) {
      if (spring || family === 'jvm') {
        for (const m of line.text.matchAll(SPRING_PLACEHOLDER)) push(m[1]!, m[2] === undefined ? undefined : m[2], at(line));
      }
      if (!family) continue;
      if (family === 'js') for (const name of destructuredEnv(line.text)) push(name.name, name.value, at(line));
      if (family === 'go') {
        for (const m of line.text.matchAll(GO_ENV_TAG)) push(m[1]!, GO_TAG_DEFAULT.exec(m[0])?.[1], at(line));
      }
      if (family === 'net') {
        for (const p of NET_CONFIG_READS) {
          for (const m of line.text.matchAll(p.re)) {
            const rest = line.text.slice(m.index! + m[0].length);
            const value = p.style === 'both' ? (argDefault(rest.replace(/^['"`]/, '')) ?? continuationDefault(rest.replace(/^[^)]*\)/, ''))) : continuationDefault(rest);
            push(p.name(m[1]!), value, at(line), true);
          }
        }
      }
      for (const p of [...READ_PATTERNS[family], HELPER_READ, HELPER_READ_SECOND, HELPER_METHOD_READ]) {
        for (const m of line.text.matchAll(p.re)) {
          const rest = line.text.slice(m.index! + m[0].length);
          let value: string | null | undefined;
          if (p.style !== 'after') value = argDefault(rest.replace(/^['"`]/, ''));
          if (value === undefined && p.style !== 'arg') value = continuationDefault(p.style === 'both' ? rest.replace(/^\s*\)/, '') : rest);
          push(m[1]!, value, at(line));
        }
      }
    }
  }
  return reads;
}

/** `const { A, B = 'x' } = process.env` */
function destructuredEnv(text: string): { name: string; value: string | null | undefined }[] {
  const m = /\{([^}]*)\}\s*=\s*process\.env\b/.exec(text);
  if (!m) return [];
  return m[1]!
    .split(',')
    .map((part) => {
      const [lhs, rhs] = part.split('=');
      const name = lhs!.split(':')[0]!.trim();
      return { name, value: rhs === undefined ? undefined : literalAt(rhs) };
    })
    .filter((r) => r.name);
}

/** KEY=VALUE pairs of an env file, with their line numbers. */
export function parseEnvFile(repo: RepoView, file: string): { name: string; value: string; source: string }[] {
  const out: { name: string; value: string; source: string }[] = [];
  for (const line of linesOf(repo, file)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line.text);
    if (!m) continue;
    let value = m[2]!.trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '');
    out.push({ name: m[1]!, value, source: at(line) });
  }
  return out;
}

/** Example env files of a service: its own folder first, then the repository root. */
export function envExampleFiles(repo: RepoView, dir: string): string[] {
  const dirs = dir === '.' ? ['.'] : [dir, '.'];
  return dirs.flatMap((d) => ENV_EXAMPLE_FILES.map((f) => joinRel(d, f))).filter((f) => repo.exists(f));
}

/** The model's env map for a service: every variable read in code, sorted, with a default and its evidence. */
export interface EnvFact {
  value: string | null;
  secret: boolean;
  source: string;
}

export function collectEnv(repo: RepoView, dir: string, reads: EnvRead[]): Record<string, EnvFact> {
  const examples = new Map<string, { value: string; source: string }>();
  for (const file of envExampleFiles(repo, dir)) {
    for (const kv of parseEnvFile(repo, file)) if (!examples.has(kv.name)) examples.set(kv.name, kv);
  }
  const out: Record<string, EnvFact> = {};
  for (const name of [...new Set(reads.map((r) => r.name))].sort()) {
    if (name === 'PORT') continue; // the model's `port` field owns it
    const mine = reads.filter((r) => r.name === name);
    const withValue = mine.find((r) => typeof r.value === 'string');
    const example = examples.get(name);
    const found = withValue ? { value: withValue.value as string, source: withValue.source } : example && example.value !== '' ? example : null;
    // A default that looks like a secret (a URL with a password, a bearer token, a key...) makes the
    // variable a secret too (lib/model/secrets.ts): its value is withheld.
    const secret = isSecretName(name) || (found !== null && looksSecretValue(found.value));
    // A default the model cannot hold (control characters) is no default: the variable is passed through.
    if (secret || !found || kinds.envValue(found.value) !== null) out[name] = { value: null, secret, source: mine[0]!.source };
    else out[name] = { value: found.value, secret, source: found.source };
  }
  return out;
}

// ---- port --------------------------------------------------------------------

/** Where a port came from: code beats config files, which beat the language detector's convention. */
export type PortStrength = 'code' | 'config';

export interface PortFact extends Fact<number> {
  strength: PortStrength;
}

const PORT_NUM = '(\\d{2,5})';
const toPort = (s: string | undefined): number | null => {
  const n = Number(s);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
};
/** The host part of a listen address: empty, a wildcard or a loopback (never "redis:6379", a client address). */
const LISTEN_HOST = '(?:https?:\\/\\/)?(?:[*+]|0\\.0\\.0\\.0|localhost|127\\.0\\.0\\.1|\\[::\\]|::)?';

/**
 * Listening calls with a literal port, any language: app.listen(3000), listen({ port: 3000 }),
 * http.ListenAndServe(":8080"), r.Run(":8080"), e.Start(":1323"), .bind(("0.0.0.0", 8080)),
 * TcpListener::bind("0.0.0.0:3000"), UseUrls("http://*:5000"), app.run(host=..., port=8000),
 * uvicorn.run(app, port=8000), web.run_app(app, port=8080), set :port, 4567, Javalin.start(7000).
 */
const LISTEN_PATTERNS: RegExp[] = [
  new RegExp(`\\.listen\\(\\s*${PORT_NUM}\\b`),
  new RegExp(`\\b(?:listen|serve|Serve)\\(\\s*\\{[^}]*\\bport\\s*:\\s*${PORT_NUM}\\b`),
  new RegExp(`\\b(?:Listen|ListenAndServe|ListenAndServeTLS|Run|RunTLS|Start|listen|bind|run|serve|UseUrls|Add)\\(\\s*(?:"tcp"\\s*,\\s*)?['"]${LISTEN_HOST}:${PORT_NUM}['"]`),
  new RegExp(`\\.bind\\(\\s*\\(\\s*['"][^'"]*['"]\\s*,\\s*${PORT_NUM}\\s*\\)`),
  new RegExp(`\\bSocketAddr(?:::from)?\\(\\s*\\(\\s*\\[[\\d,\\s]+\\]\\s*,\\s*${PORT_NUM}\\s*\\)`),
  new RegExp(`\\b(?:run|run_app|serve|run_simple|start)\\([^)]*\\bport\\s*=\\s*(?:int\\()?${PORT_NUM}\\b`),
  new RegExp(`\\bset\\s+:port\\s*,\\s*${PORT_NUM}\\b`),
  new RegExp(`(?:\\.start|\\bsetPort|\\bport|\\bInetSocketAddress)\\(\\s*${PORT_NUM}\\s*\\)`),
  new RegExp(`^\\s*bind\\s*=\\s*['"]${LISTEN_HOST}:${PORT_NUM}['"]`), // gunicorn.conf.py
  new RegExp(`\\bflag\\.(?:Int|String)\\(\\s*"(?:port|addr|listen|http)[^"]*"\\s*,\\s*"?${LISTEN_HOST}:?${PORT_NUM}"?\\s*,`),
  // Kestrel in code: options.ListenAnyIP(7070), options.Listen(IPAddress.Any, 5000)
  new RegExp(`\\b(?:ListenAnyIP|ListenLocalhost)\\(\\s*${PORT_NUM}\\b`),
  new RegExp(`\\.Listen\\(\\s*IPAddress\\.\\w+\\s*,\\s*${PORT_NUM}\\b`),
];

/**
 * A statement that stores the server port: `const PORT = 3000`, `port := "8080"`,
 * `port = "8080"` (Go's if-empty idiom), `private static final int PORT = 8080`.
 * Anchored at the start of the line so keyword arguments like Redis(port=6379) never match.
 */
const PORT_VARIABLE = new RegExp(
  `^\\s*(?:(?:export|const|let|var|final|static|private|public|int|val|def|readonly)\\s+)*(?:[\\w.]*\\.)?(?:port|PORT|Port|httpPort|HTTP_PORT|serverPort|SERVER_PORT|listenPort|defaultPort|DEFAULT_PORT|DefaultPort)\\s*(?::\\s*\\w+\\s*)?(?::=|=(?!=))\\s*(?:int\\()?['"]?${PORT_NUM}['"]?\\s*\\)?\\s*;?\\s*$`,
);
/** `Addr: ":8080"`, `addr := "0.0.0.0:8080"` (a server address; a client's "redis:6379" has a host). */
const ADDR_VARIABLE = new RegExp(`\\b(?:addr|Addr|address|Address|listenAddr|httpAddr|defaultAddr)\\s*(?::=|=(?!=)|:)\\s*"${LISTEN_HOST}:${PORT_NUM}"`);

/** A call that starts a server, in any language. */
const SERVER_CALL = /\b(listen|Listen\w*|serve|Serve\w*|run|Run|run_app|bind|start|Start|createServer|UseUrls|\w*HTTPServer|TCPServer)\s*\(/;

interface PortHit {
  port: number;
  source: string;
  /** 0: a listen call or PORT default; 1: a port variable; config ranks lower still. */
  tier: number;
}

/** Ports written in code, best first (tier, then file order). */
export function scanCodePorts(repo: RepoView, files: string[], reads: EnvRead[]): PortHit[] {
  const hits: PortHit[] = [];
  const order = new Map(files.map((f, i) => [f, i]));
  for (const r of reads) {
    const port = typeof r.value === 'string' ? toPort(r.value) : null;
    if (!port) continue;
    // PORT itself; then a server's port setting read from the environment (INV_HTTP_PORT, SERVER_PORT).
    if (r.name === 'PORT') hits.push({ port, source: r.source, tier: 0 });
    else if (/(^|_)(HTTP|SERVER|LISTEN|APP|WEB)_PORT$/.test(r.name)) hits.push({ port, source: r.source, tier: 1 });
  }
  for (const file of files) {
    if (!familyOf(file) || isToolConfig(file)) continue;
    // A port variable only counts in a file that starts a server (DEFAULT_PORT in a library says nothing).
    const serves = SERVER_CALL.test(repo.read(file) ?? '');
    for (const line of linesOf(repo, file)) {
      // A PORT read with a numeric default the literal parser missed, e.g. parseInt(process.env.PORT, 10) || 3000.
      const envDefault = /\bPORT\b['"]?\s*\]?\s*\)?[^\n]*?(?:\|\||\?\?|\?:|\bor\b|unwrap_or(?:_else)?\(\s*(?:\|_\|)?|orElse\()\s*['"]?(\d{2,5})\b/.exec(line.text);
      const listen = LISTEN_PATTERNS.map((re) => re.exec(line.text)).find(Boolean);
      const variable = PORT_VARIABLE.exec(line.text) ?? ADDR_VARIABLE.exec(line.text);
      const pick = (m: RegExpExecArray | null | undefined, tier: number) => {
        const port = m ? toPort(m[1]) : null;
        if (port) hits.push({ port, source: at(line), tier });
      };
      if (listen) pick(listen, 0);
      else if (envDefault && /\benv\b|environ|getenv|Getenv|ENV\b|GetEnvironmentVariable|env::var/i.test(line.text)) pick(envDefault, 0);
      else if (serves) pick(variable, 1);
    }
  }
  const fileIndex = (h: PortHit) => order.get(h.source.slice(0, h.source.lastIndexOf(':'))) ?? 0;
  const lineNo = (h: PortHit) => Number(h.source.slice(h.source.lastIndexOf(':') + 1));
  return hits.sort((a, b) => a.tier - b.tier || fileIndex(a) - fileIndex(b) || lineNo(a) - lineNo(b));
}

/** Is this file a Spring / Quarkus / Micronaut application config? */
function isSpringConfig(file: string): boolean {
  return /(^|\/)(application|bootstrap)(-[\w]+)?\.(properties|ya?ml)$/.test(file);
}

/** Config files of a service that may name its port, in the order they are trusted. */
export function configFiles(repo: RepoView, dir: string): string[] {
  const candidates = [
    'Procfile',
    'src/main/resources/application.properties',
    'src/main/resources/application.yml',
    'src/main/resources/application.yaml',
    'application.properties',
    'application.yml',
    'application.yaml',
    'config/puma.rb',
    'gunicorn.conf.py',
    ...ENV_FILES,
    'Dockerfile',
    'Containerfile',
  ];
  return candidates.map((f) => joinRel(dir, f)).filter((f) => repo.exists(f) && !repo.isDir(f));
}

/** Ports named in config files (Procfile, application.*, .env*, Dockerfile EXPOSE), in trust order. */
export function scanConfigPorts(repo: RepoView, dir: string): PortHit[] {
  const hits: PortHit[] = [];
  const push = (port: number | null, source: string) => {
    if (port) hits.push({ port, source, tier: 2 });
  };
  for (const file of configFiles(repo, dir)) {
    const name = basename(file);
    if (name.endsWith('.yml') || name.endsWith('.yaml')) {
      const found = yamlServerPort(repo, file);
      if (found) push(found.port, found.source);
      continue;
    }
    for (const line of linesOf(repo, file)) {
      const t = line.text;
      let m: RegExpExecArray | null = null;
      if (name === 'Procfile') {
        if (/^\s*web\s*:/.test(t)) m = /(?:--port[= ]|-p\s+|--bind[= ]|-b\s+|--listen[= ]|--urls[= ])\s*['"]?(?:[\w.*+\[\]]*:\/\/)?(?:[\w.*+\[\]-]*:)?(?:\$\{PORT:-)?(\d{2,5})\b/.exec(t);
      } else if (name.endsWith('.properties')) {
        m = /^\s*(?:server|quarkus\.http|micronaut\.server)\.port\s*[=:]\s*(?:\$\{PORT:)?(\d{2,5})\b/.exec(t);
      } else if (name.startsWith('.env') || name.endsWith('.env')) {
        m = /^\s*(?:export\s+)?(?:PORT|ASPNETCORE_HTTP_PORTS)\s*=\s*['"]?(\d{2,5})\b/.exec(t) ?? /^\s*ASPNETCORE_URLS\s*=\s*['"]?[^:]+:\/\/[^:]+:(\d{2,5})/.exec(t);
      } else if (name === 'Dockerfile' || name === 'Containerfile') {
        m =
          /^\s*EXPOSE\s+(\d{2,5})\b/i.exec(t) ??
          /^\s*ENV\s+(?:PORT|ASPNETCORE_HTTP_PORTS)[= ]\s*['"]?(\d{2,5})\b/.exec(t) ??
          /^\s*ENV\s+ASPNETCORE_URLS[= ]\s*['"]?http:\/\/[^:\s'"]+:(\d{2,5})\b/.exec(t);
      } else {
        // puma.rb / gunicorn.conf.py: `port ENV.fetch("PORT") { 3000 }`, `bind = "0.0.0.0:8000"`
        m = /^\s*port\s+ENV\.fetch\(\s*['"]PORT['"]\s*\)\s*\{\s*(\d{2,5})/.exec(t) ?? /^\s*port\s+(\d{2,5})\b/.exec(t) ?? /^\s*bind\s*=\s*['"][^'"]*:(\d{2,5})['"]/.exec(t);
      }
      if (m) push(toPort(m[1]), at(line));
    }
  }
  return hits;
}

/** A name without the words that only say "a service": cart-service, CART_SVC and cart are one. */
const bareName = (s: string): string => {
  const flat = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return flat.replace(/(service|svc|api|server)$/, '') || flat;
};

/**
 * A port variable named after the service itself (`<SERVICE>_PORT`, `<SERVICE>_HTTP_PORT`,
 * `<SERVICE>_GRPC_PORT`) that its code reads with no literal default, and the value an env
 * file gives it: the service folder's env files first, then the repository root's (`.env` is
 * what Docker Compose reads for its own interpolation). Another service's port variable
 * (`CART_PORT` read by checkout, to call cart) is not its own, so it is never taken.
 */
function ownPortInEnvFiles(repo: RepoView, dir: string, reads: EnvRead[], service: string): { value: number; source: string } | null {
  const own = bareName(service);
  const names = new Set(
    reads
      .filter((r) => r.value === undefined || r.value === null || r.value === '')
      .map((r) => r.name)
      .filter((n) => {
        const m = /^(.+?)_(?:(?:HTTP|GRPC|SERVICE|SERVER|LISTEN)_)?PORT$/.exec(n);
        return !!m && own.length >= 2 && bareName(m[1]!) === own;
      }),
  );
  if (!names.size) return null;
  const folders = dir === '.' ? ['.'] : [dir, '.'];
  for (const folder of folders)
    for (const file of ENV_FILES.map((f) => joinRel(folder, f))) {
      if (!repo.exists(file) || repo.isDir(file)) continue;
      for (const line of linesOf(repo, file)) {
        const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*['"]?(\d{2,5})['"]?\s*(?:#.*)?$/.exec(line.text);
        const port = m && names.has(m[1]!) ? toPort(m[2]) : null;
        if (port) return { value: port, source: at(line) };
      }
    }
  return null;
}

/** server.port (or quarkus.http.port...) from a YAML application config. */
/**
 * A document of a Spring YAML file that only a profile activates: `spring.config.activate.on-profile`,
 * or Spring Boot 2.3's `spring.profiles: <name>` (a string; `spring.profiles.active` is not one).
 */
const activatedByProfile = (doc: Document.Parsed): boolean =>
  doc.getIn(['spring', 'config', 'activate', 'on-profile']) !== undefined || isScalar(doc.getIn(['spring', 'profiles'], true));

/**
 * A Spring setting of a service, as Spring reads it without a profile: `a.b.c=value` in
 * application.properties, or `a: {b: {c: value}}` in a document of application.yml that no
 * profile activates (the last one wins). Null when it is absent, or a placeholder.
 */
export function springSetting(repo: RepoView, dir: string, path: string[]): { value: string; source: string } | null {
  let found: { value: string; source: string } | null = null;
  for (const file of configFiles(repo, dir).filter(isSpringConfig)) {
    if (file.endsWith('.properties')) {
      for (const line of linesOf(repo, file)) {
        const m = /^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line.text);
        if (m && m[1] === path.join('.') && m[2] && !m[2].includes('${')) found = { value: m[2], source: at(line) };
      }
      continue;
    }
    for (const { doc, line } of springDocuments(repo, file)) {
      const node = doc.getIn(path, true);
      if (isScalar(node) && node.range && typeof node.value === 'string' && !node.value.includes('${')) found = { value: node.value, source: `${file}:${line(node.range[0])}` };
    }
  }
  return found;
}

/** The documents of a Spring YAML file that Spring applies without a profile, each with the line of an offset; none when it does not parse. */
function springDocuments(repo: RepoView, file: string): { doc: Document.Parsed; line: (offset: number) => number }[] {
  const text = repo.read(file);
  if (!text) return [];
  const counter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  return docs.filter((doc) => !activatedByProfile(doc)).map((doc) => ({ doc, line: (offset: number) => counter.linePos(offset).line }));
}

function yamlServerPort(repo: RepoView, file: string): { port: number | null; source: string } | null {
  let found: { port: number | null; source: string } | null = null;
  // Spring applies every document that no profile activates; a later one overrides an earlier one.
  for (const { doc, line } of springDocuments(repo, file)) {
    for (const path of [['server', 'port'], ['quarkus', 'http', 'port'], ['micronaut', 'server', 'port']]) {
      const node = doc.getIn(path, true);
      if (isScalar(node) && node.range) {
        const m = /^(?:\$\{PORT:)?(\d{2,5})\}?$/.exec(String(node.value).trim());
        if (m) found = { port: toPort(m[1]), source: `${file}:${line(node.range[0])}` };
      }
    }
  }
  return found;
}

export interface PortResult {
  port: PortFact | null;
  warnings: string[];
}

/**
 * The port the service listens on: a port written in code wins over config files
 * (explicit code is what actually runs), which win over the language detector's
 * framework default (applied by the caller).
 */
export function scanPort(repo: RepoView, dir: string, files: string[], reads: EnvRead[], service?: string): PortResult {
  const code = scanCodePorts(repo, files, reads);
  const warnings: string[] = [];
  if (code.length) {
    const best = code[0]!;
    const others = [...new Set(code.filter((h) => h.tier === best.tier && h.port !== best.port).map((h) => `${h.port} (${h.source})`))];
    if (others.length) warnings.push(`${dir}: several ports in code; using ${best.port} (${best.source}), also saw ${others.join(', ')}`);
    return { port: { value: best.port, source: best.source, strength: 'code' }, warnings };
  }
  // The service's own port variable (CHECKOUT_PORT in checkout) read in code without a default:
  // its value in the env files (the service's, then the repository's, which Compose reads).
  const own = service ? ownPortInEnvFiles(repo, dir, reads, service) : null;
  if (own) return { port: { ...own, strength: 'config' }, warnings };
  // A PORT read in code with its default in an example env file counts as config.
  const config = scanConfigPorts(repo, dir);
  if (config.length) return { port: { value: config[0]!.port, source: config[0]!.source, strength: 'config' }, warnings };
  return { port: null, warnings };
}

// ---- health ------------------------------------------------------------------

/** Health routes we recognise, most specific first. */
export const HEALTH_PATHS = ['/healthz', '/health', '/api/health', '/livez', '/readyz', '/ready', '/api/healthz', '/ping', '/status', '/up'];

/**
 * A route on the same line: a registering call or decorator (get(, route(, HandleFunc(,
 * @GetMapping(, MapGet(, path(...), or a hand-written router comparing the request
 * path (`if path == "/health"`, `req.url === '/healthz'`, `case "/healthz":`).
 */
const ROUTE_CONTEXT = new RegExp(
  [
    /(\.|@|\b)(get|head|all|route|handle|handlefunc|handler|mapget|map|mapgroup|mapmethods|api_route|path|re_path|getmapping|requestmapping|use|on|endpoint|add_route|add_api_route|router|match)\b\s*[(!:]/.source,
    /\bget\s+['"]|#\[get\(/.source,
    /\b(path|url|pathname|uri|URL\.Path|request_uri|PATH_INFO)['"\]]?\s*(===?|\.equals\(|\.startsWith\(|\.startswith\(|\.starts_with\()/.source,
    /\bcase\s+['"]/.source,
  ].join('|'),
  'i',
);

/** The health route the code registers, if any; '/healthz' and '/health' beat the others. */
export function scanHealth(repo: RepoView, files: string[]): Fact<string> | null {
  const found = new Map<string, string>();
  // An optional method prefix covers Go 1.22 patterns: mux.HandleFunc("GET /healthz", ...).
  const literal = /['"`](?:(?:GET|HEAD)\s+)?(\/?)(api\/healthz?|healthz?|livez|readyz|ready|ping|status|up)(\/?)['"`]/g;
  for (const file of files) {
    if (!familyOf(file) || isToolConfig(file)) continue;
    for (const line of linesOf(repo, file)) {
      if (!ROUTE_CONTEXT.test(line.text)) continue;
      for (const m of line.text.matchAll(literal)) {
        // Without a leading slash only Django's path('health/'), Rails' get "up" and NestJS' @Get('health') register a route.
        if (!m[1] && !/\b(re_)?path\(|\bget\s+['"]|@(Get|Controller)\(/.test(line.text)) continue;
        const path = `/${m[2]}${m[3]}`;
        if (!found.has(path)) found.set(path, at(line));
      }
    }
  }
  const rank = (p: string) => HEALTH_PATHS.indexOf(p.replace(/\/$/, ''));
  const best = [...found.keys()].sort((a, b) => rank(a) - rank(b) || byCode(a, b))[0];
  return best === undefined ? null : { value: best, source: found.get(best)! };
}

// ---- hostnames ---------------------------------------------------------------

/** A hostname the code talks to. */
export interface HostRef {
  host: string;
  port: number | null;
  /** URL scheme when it came from a URL (http, redis, postgresql...), else null. */
  scheme: string | null;
  /** Env variable whose default named it, or null for a literal in code. */
  env: string | null;
  source: string;
}

const URL_RE = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s'"`/?#]*@)?([A-Za-z0-9_.-]+)(?::(\d{1,5}))?/g;

/** A hostname another container could have: one DNS label, not localhost, no template. */
export function isServiceHost(host: string): boolean {
  return /^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(host) && !['localhost', 'host', 'example', 'myhost', 'hostname'].includes(host);
}

/** Host references inside one value: URLs, `host:port`, comma lists; `bareHost` allows a lone label. */
export function hostsInValue(value: string, bareHost: boolean): { host: string; port: number | null; scheme: string | null }[] {
  const out: { host: string; port: number | null; scheme: string | null }[] = [];
  for (const part of value.split(/[,\s]+/).filter(Boolean)) {
    const url = new RegExp(URL_RE.source).exec(part);
    if (url) {
      const scheme = url[1]!.replace(/^jdbc:/, '');
      if (isServiceHost(url[2]!)) out.push({ host: url[2]!, port: url[3] ? Number(url[3]) : null, scheme });
      continue;
    }
    const hp = /^([a-z][a-z0-9-]*):(\d{1,5})$/.exec(part);
    if (hp && isServiceHost(hp[1]!)) out.push({ host: hp[1]!, port: Number(hp[2]), scheme: null });
    else if (bareHost && isServiceHost(part)) out.push({ host: part, port: null, scheme: null });
  }
  return out;
}

/** Env names whose value is a location: a default like "redis:6379" or "api" names a host. */
export const isLocationVar = (name: string): boolean =>
  /(^|_)(HOST|HOSTNAME|HOSTS|URL|URLS|URI|ADDR|ADDRESS|SERVER|SERVERS|BROKER|BROKERS|ENDPOINT|DSN|NODE|NODES|SERVICE)$/.test(name) ||
  /^(PGHOST|MYSQL_HOST|MONGO_HOST)$/.test(name);
const isBareHostVar = (name: string): boolean => /(^|_)(HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|SERVER|SERVERS|SERVICE)$/.test(name) || name === 'PGHOST';

/**
 * Hostnames used by the code: URL literals (http://api:8000, redis://cache:6379) and
 * defaults of location variables (REDIS_HOST=redis, API_URL=http://api:8000),
 * including defaults given for them in an example env file.
 */
export function scanHosts(repo: RepoView, files: string[], env: Record<string, EnvFact>, reads: EnvRead[]): HostRef[] {
  const out: HostRef[] = [];
  const push = (h: { host: string; port: number | null; scheme: string | null }, envName: string | null, source: string) => {
    if (!out.some((o) => o.host === h.host && o.scheme === h.scheme && o.env === envName && o.source === source)) out.push({ ...h, env: envName, source });
  };
  // Tool configs count here: a Next.js rewrite or a dev proxy to http://api:8000 names a dependency.
  for (const file of files) {
    if (!familyOf(file) && !isSpringConfig(file)) continue;
    for (const line of linesOf(repo, file)) {
      for (const m of line.text.matchAll(URL_RE)) {
        const scheme = m[1]!.replace(/^jdbc:/, '');
        if (isServiceHost(m[2]!)) push({ host: m[2]!, port: m[3] ? Number(m[3]) : null, scheme }, null, at(line));
      }
    }
  }
  const fromEnv = (name: string, value: string, source: string) => {
    if (!isLocationVar(name)) return;
    for (const h of hostsInValue(value, isBareHostVar(name))) push(h, name, source);
  };
  for (const r of reads) if (typeof r.value === 'string') fromEnv(r.name, r.value, r.source);
  for (const [name, e] of Object.entries(env)) if (e.value !== null) fromEnv(name, e.value, e.source);
  return out;
}

// ---- all together ------------------------------------------------------------

export interface ServiceScan {
  reads: EnvRead[];
  env: Record<string, EnvFact>;
  port: PortFact | null;
  healthPath: Fact<string> | null;
  hosts: HostRef[];
  warnings: string[];
}

/**
 * Scan one service. `files` are its LanguageFacts.sourceFiles (repo-relative);
 * tests are dropped, the entry file (if given) is read first so its port wins ties.
 */
export function scanService(repo: RepoView, dir: string, files: string[], entry?: string | null, extraReads: EnvRead[] = [], service?: string): ServiceScan {
  const code = orderFiles(codeFiles(files), dir, entry);
  const spring = configFiles(repo, dir).filter(isSpringConfig);
  const reads = [
    ...scanEnvReads(repo, [...code, ...spring]),
    ...configLibraryReads(repo, dir, code),
    // Reads outside the code (the command of an existing Dockerfile): same rules for names and secrets.
    ...extraReads.filter((r) => isEnvName(r.name)).map((r) => ({ ...r, value: isSecretName(r.name) ? undefined : r.value === '' ? null : r.value })),
  ];
  const env = collectEnv(repo, dir, reads);
  const { port, warnings } = scanPort(repo, dir, code, reads, service);
  const healthPath = scanHealth(repo, code);
  // Spring's own configuration names the services it calls: `configserver:http://config-server:8888`,
  // a gateway route's `lb://customers-service`.
  const hosts = scanHosts(repo, [...code, ...spring], env, reads);
  return { reads, env, port, healthPath, hosts, warnings };
}

/** Sorted files, with the entry file (a path relative to the service) first. */
function orderFiles(files: string[], dir: string, entry?: string | null): string[] {
  const sorted = [...new Set(files)].sort();
  if (!entry) return sorted;
  const target = joinRel(dir, entry);
  const first = sorted.filter((f) => f === target || dirname(f) === target.replace(/\/$/, ''));
  return [...first, ...sorted.filter((f) => !first.includes(f))];
}
