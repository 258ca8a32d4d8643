/**
 * Python detector.
 *
 * Conventions (what the rest of the generator can rely on):
 *
 * - `languageVersion` is 'major.minor', from .python-version, pyproject
 *   `requires-python`, [tool.poetry.dependencies] python, runtime.txt, Pipfile
 *   [requires], .tool-versions (first found wins); a range gives its lower
 *   bound ('>=3.11' → '3.11'), an upper-bound-only range the highest minor
 *   below it; default: the python pin's version (templates/images.Dockerfile).
 * - `packageManager` / `lockfile`: uv (uv.lock), poetry (poetry.lock or
 *   [tool.poetry]), pipenv (Pipfile.lock or Pipfile), pip (requirements file,
 *   which is then the lockfile, or a bare pyproject/setup.py with no lockfile).
 * - `start` RULE: the full exec-form command, with the bind address 0.0.0.0
 *   and the port literal filled in. The port is the one a Procfile or
 *   gunicorn.conf.py states, else the server's default: gunicorn 8000,
 *   uvicorn/hypercorn/daphne 8000, django runserver 8000, `flask run` 5000,
 *   waitress 8080, aiohttp 8080. For these commands the port is decided by
 *   `start`, not by the code (`app.run(port=...)` is never executed), so a
 *   caller that changes `port` must rewrite the port token in `start` too.
 *   The command assumes the virtualenv's bin/ is on PATH (no `poetry run`,
 *   `uv run`: those prefixes are stripped from Procfile lines).
 *     Procfile `web:` wins ($PORT replaced by the literal port);
 *     django → gunicorn <proj>.wsgi:application (gunicorn dep), uvicorn or
 *       daphne on <proj>.asgi:application, else `manage.py runserver`;
 *     flask → gunicorn (dep), waitress-serve (dep), else `flask --app <entry> run`;
 *     fastapi / starlette → uvicorn (gunicorn -k UvicornWorker when both are deps,
 *       hypercorn when it is the only ASGI server);
 *     aiohttp → gunicorn with aiohttp.GunicornWebWorker (dep) else `python <file>`;
 *     tornado, stdlib http.server and scripts → ['python', '<file>']
 *       (a package with __main__.py → ['python', '-m', pkg]);
 *     celery app without a web framework → celery -A <module> worker.
 * - `entry` is 'module:variable' for WSGI/ASGI apps ('app:app',
 *   'mysite.wsgi:application', 'app:create_app()' for a factory), the script
 *   file for scripts, the module for celery. A src/ layout of an installable
 *   project (see `build`) drops the 'src.' prefix: the module is imported from
 *   the installed project, not from the working directory.
 * - `build` RULE: null, except for a project that must be installed into the
 *   virtualenv to run: then the command that installs the project itself,
 *   without its dependencies (those come from the manifests first), into the
 *   active virtualenv: 'pip install --no-deps .' (pip, pipenv),
 *   'uv sync --frozen --no-dev --no-editable' (uv),
 *   'poetry install --only-root' (poetry). Such a project is
 *     installable: uv — a [build-system] table or tool.uv.package = true, and
 *       not tool.uv.package = false (what `uv sync` installs); poetry —
 *       package-mode not false; pip, pipenv — a pyproject [build-system] or
 *       [project] name, or a setup.py; and
 *     in need of it: a src/ layout (Python sources under src/, imported by
 *       package name) or console scripts of its own ([project.scripts],
 *       [tool.poetry.scripts], setup.py/setup.cfg console_scripts), which
 *       exist only once the project is installed.
 *   A flat-layout app without console scripts runs from the working directory
 *   and is not installed (installing it would change nothing, and could fail:
 *   setuptools refuses a flat layout with several top-level packages). The
 *   source is the console-scripts line, else the line that makes the project
 *   installable. A library gets none.
 * - `port` is a Fact with source 'default' for server defaults, or the
 *   Procfile/gunicorn.conf.py line; ports in code are the scanners' job.
 * - `dependencies` are normalised distribution names (PEP 503: lowercase,
 *   runs of '-_.' → '-') from requirements files (not dev/test ones),
 *   pyproject [project].dependencies, [tool.poetry.dependencies], Pipfile
 *   [packages], setup.py / setup.cfg install_requires.
 */
import { tomlEntries, type TomlEntry } from '../../detect/toml.js';
import { hasProcess, inNestedProject, isManifestFile, procfileEntries, procfileProcesses } from '../../detect/project.js';
import { posix } from 'node:path';
import type { Fact, LanguageDetector, LanguageFacts, ProcessFacts, RepoView } from '../../detect/types.js';
import { byDefault, fact } from '../../detect/types.js';
import { joinRel } from '../../detect/repo.js';
import { dockerfileCommand } from '../../detect/dockerfile.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
export const DEFAULT_PYTHON_VERSION = defaultLanguageVersion('python');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const PYTHON = vocabulary(['aiohttp', 'bottle', 'celery', 'django', 'falcon', 'fastapi', 'flask', 'litestar', 'quart', 'sanic', 'starlette', 'tornado'] as const, ['pip', 'uv', 'poetry', 'pipenv'] as const);
export type PythonFramework = (typeof PYTHON.frameworks)[number];
export const { framework: pythonFramework, packageManager: pythonPackageManager } = PYTHON;

const MANIFESTS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile'];
const APP_MODULES = ['app.py', 'main.py', 'manage.py', 'wsgi.py', 'asgi.py', 'server.py'];
const EXTRA_FILES = ['pyproject.toml', 'setup.cfg', 'Pipfile', '.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
const OTHER_MANIFESTS = ['package.json', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'Gemfile', 'composer.json', 'Cargo.toml'];
const TEST_DIRS = new Set(['test', 'tests', 'testing', 'migrations', 'docs', 'examples', 'scripts']);
/** Preferred file names for the entry point, best first. */
const ENTRY_NAMES = ['wsgi.py', 'asgi.py', 'app.py', 'main.py', 'server.py', 'application.py', 'api.py', 'run.py', '__init__.py'];
const SCRIPT_NAMES = ['main.py', 'app.py', 'server.py', 'worker.py', 'run.py', 'bot.py', 'consumer.py', 'cli.py'];
const STDLIB_HTTP_RE = /\b(?:http\.server|socketserver|wsgiref\.simple_server|HTTPServer|ThreadingHTTPServer|asyncio\.start_server|serve_forever\s*\()/;
/** A gRPC server: its script is the service's entry, not the client scripts beside it. */
const GRPC_SERVER_RE = /\bgrpc\.(?:aio\.)?server\s*\(|\.add_(?:insecure|secure)_port\s*\(/;
/** Code that serves without a web framework: the standard library's servers, gRPC. */
const PLAIN_SERVER_RE = new RegExp(`${STDLIB_HTTP_RE.source}|${GRPC_SERVER_RE.source}`);

// ---------------------------------------------------------------- helpers

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** PEP 503 normalised distribution name. */
export const normalizeDist = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** Distribution name of a PEP 508 requirement or a requirements.txt line, or null. */
export function requirementName(line: string): string | null {
  const s = line.replace(/(^|\s)#.*$/, '').trim();
  if (!s) return null;
  const egg = /#egg=([A-Za-z0-9._-]+)/.exec(line);
  if (egg) return normalizeDist(egg[1]!);
  if (s.startsWith('-') || /^[a-z+]+:\/\//i.test(s) || s.startsWith('.') || s.startsWith('/')) return null;
  const at = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@/.exec(s);
  if (at) return normalizeDist(at[1]!);
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s);
  return m ? normalizeDist(m[1]!) : null;
}

/** 'major.minor' from a version specifier ('>=3.11' → '3.11', '<3.13' → '3.12', '^3.10' → '3.10'). */
export function pythonMinor(spec: string): string | null {
  const clauses = spec
    .replace(/['"]/g, '')
    .split(/,|\|\|/)
    .map((c) => /^\s*(===|==|~=|>=|<=|!=|>|<|\^|~)?\s*v?(\d+)(?:\.(\d+|\*))?/.exec(c))
    .filter((m): m is RegExpExecArray => !!m && m[2] === '3');
  const mm = (m: RegExpExecArray) => (m[3] && m[3] !== '*' ? `3.${m[3]}` : null);
  for (const m of clauses) if ((!m[1] || ['==', '===', '~=', '^', '~'].includes(m[1])) && mm(m)) return mm(m);
  for (const m of clauses) if ((m[1] === '>=' || m[1] === '>') && mm(m)) return mm(m);
  for (const m of clauses) {
    if (m[1] === '<=' && mm(m)) return mm(m);
    if (m[1] === '<' && m[3] && m[3] !== '*' && Number(m[3]) > 0) return `3.${Number(m[3]) - 1}`;
  }
  return null;
}


const unquote = (v: string): string => v.trim().replace(/^(["'])([\s\S]*)\1$/, '$2');

/** Quoted strings of a TOML array value, each with its line offset inside the value. */
function tomlStrings(value: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) out.push({ text: m[1] ?? m[2] ?? '', offset: value.slice(0, m.index).split('\n').length - 1 });
  return out;
}

// ---------------------------------------------------------------- files


function isTestPath(relToDir: string): boolean {
  const parts = relToDir.split('/');
  const name = parts[parts.length - 1]!;
  if (/^test_.*\.py$|_test\.py$|^conftest\.py$/.test(name)) return true;
  return parts.slice(0, -1).some((p) => TEST_DIRS.has(p));
}

function pySources(repo: RepoView, dir: string): string[] {
  const base = dir === '.' ? '' : `${dir}/`;
  return repo
    .walk(dir, { extensions: ['.py'] })
    .filter((f) => !isTestPath(f.slice(base.length)) && !inNestedProject(repo, dir, f))
    .slice(0, 2000);
}

/** requirements files of the folder that describe runtime dependencies, main one first. */
function requirementFiles(repo: RepoView, dir: string): string[] {
  const top = repo.list(dir).filter((n) => /^requirements.*\.(?:txt|in)$/.test(n));
  const sub = repo.isDir(joinRel(dir, 'requirements')) ? repo.list(joinRel(dir, 'requirements')).filter((n) => n.endsWith('.txt')).map((n) => `requirements/${n}`) : [];
  const runtime = [...top, ...sub].filter((n) => !/(?:^|[-_./])(?:dev|test|tests|testing|lint|docs?|ci|local|typing)(?:[-_.]|$)/.test(n.replace(/^requirements[/]?/, '')));
  const rank = (n: string) =>
    n === 'requirements.txt' ? 0 : /prod/.test(n) ? 1 : /base|common/.test(n) ? 2 : n.endsWith('.in') ? 9 : 5;
  return runtime.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((n) => joinRel(dir, n));
}

// ---------------------------------------------------------------- dependencies

type DepMap = Map<string, string>; // normalised name → 'file:line'

function addRequirementsFile(repo: RepoView, file: string, deps: DepMap, seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  const text = repo.read(file);
  if (text === null) return;
  const lines = text.split('\n');
  const compiled = lines.some((l) => /^\s*#\s*via\b/.test(l));
  lines.forEach((line, i) => {
    const inc = /^\s*(?:-r|--requirement)\s*=?\s*(\S+)/.exec(line);
    if (inc) {
      addRequirementsFile(repo, joinRel(posix.dirname(file), inc[1]!), deps, seen);
      return;
    }
    const name = requirementName(line);
    // pip-compile / uv pip compile annotate every pin with what pulled it in; a pin only
    // pulled in by other packages (`# via locust`) is not something this code uses itself.
    if (name && compiled && !pinnedDirectly(lines, i)) return;
    if (name && !deps.has(name)) deps.set(name, `${file}:${i + 1}`);
  });
}

/** For a compiled requirements file: is the pin on line `i` there for its own sake (`# via -r requirements.in`)? */
function pinnedDirectly(lines: string[], i: number): boolean {
  const via: string[] = [];
  const inline = /#\s*via\s+(.+)$/.exec(lines[i]!);
  if (inline) via.push(inline[1]!.trim());
  for (let j = i + 1; j < lines.length && /^\s+#/.test(lines[j]!); j++) {
    const m = /^\s+#\s*(?:via\s*)?(.*)$/.exec(lines[j]!);
    if (m && m[1]!.trim()) via.push(m[1]!.trim());
  }
  // No annotation at all: nothing says it is indirect.
  return via.length === 0 || via.some((v) => /^-[rc]\s|\.(?:in|txt|toml|cfg)$|^pyproject\.toml|^setup\.(?:py|cfg)/.test(v));
}

interface Manifests {
  deps: DepMap;
  pyproject: TomlEntry[];
  pipfile: TomlEntry[];
  requirements: string[];
}

function readManifests(repo: RepoView, dir: string): Manifests {
  const deps: DepMap = new Map();
  const requirements = requirementFiles(repo, dir);
  const seen = new Set<string>();
  for (const f of requirements) addRequirementsFile(repo, f, deps, seen);

  const pyFile = joinRel(dir, 'pyproject.toml');
  const pyText = repo.read(pyFile);
  const pyproject = pyText ? tomlEntries(pyText) : [];
  for (const e of pyproject) {
    if (e.table === 'project' && e.key === 'dependencies') {
      for (const s of tomlStrings(e.value)) {
        const n = requirementName(s.text);
        if (n && !deps.has(n)) deps.set(n, `${pyFile}:${e.line + s.offset}`);
      }
    }
    if (e.table === 'tool.poetry.dependencies' && e.key.toLowerCase() !== 'python') {
      const n = normalizeDist(e.key);
      if (!deps.has(n)) deps.set(n, `${pyFile}:${e.line}`);
    }
  }

  const pipFile = joinRel(dir, 'Pipfile');
  const pipText = repo.read(pipFile);
  const pipfile = pipText ? tomlEntries(pipText) : [];
  for (const e of pipfile) {
    if (e.table === 'packages') {
      const n = normalizeDist(e.key);
      if (!deps.has(n)) deps.set(n, `${pipFile}:${e.line}`);
    }
  }

  const setupPy = joinRel(dir, 'setup.py');
  const setupText = repo.read(setupPy);
  const ir = setupText ? /install_requires\s*=\s*\[([\s\S]*?)\]/.exec(setupText) : null;
  if (setupText && ir) {
    const startLine = setupText.slice(0, ir.index).split('\n').length;
    for (const s of tomlStrings(ir[1]!)) {
      const n = requirementName(s.text);
      if (n && !deps.has(n)) deps.set(n, `${setupPy}:${startLine + s.offset}`);
    }
  }
  const setupCfg = joinRel(dir, 'setup.cfg');
  const cfgText = repo.read(setupCfg);
  if (cfgText) {
    const lines = cfgText.split('\n');
    const at = lines.findIndex((l) => /^\s*install_requires\s*=/.test(l));
    if (at >= 0) {
      const first = lines[at]!.replace(/^\s*install_requires\s*=/, '');
      const items: [string, number][] = [[first, at]];
      for (let i = at + 1; i < lines.length && /^\s+\S/.test(lines[i]!); i++) items.push([lines[i]!, i]);
      for (const [l, i] of items) {
        const n = requirementName(l);
        if (n && !deps.has(n)) deps.set(n, `${setupCfg}:${i + 1}`);
      }
    }
  }
  return { deps, pyproject, pipfile, requirements };
}

// ---------------------------------------------------------------- version / package manager

function detectVersion(repo: RepoView, dir: string, m: Manifests): Fact<string> {
  const pv = joinRel(dir, '.python-version');
  const pvText = repo.read(pv);
  if (pvText !== null) {
    const line = pvText.split('\n').map((l) => l.replace(/#.*/, '').trim()).find((l) => l);
    const v = line ? /^(?:python-?|cpython-?)?(\d+\.\d+)/.exec(line)?.[1] : undefined;
    if (v) return fact(v, pv);
  }
  const pyFile = joinRel(dir, 'pyproject.toml');
  const rp = m.pyproject.find((e) => e.table === 'project' && e.key === 'requires-python');
  const rpv = rp ? pythonMinor(unquote(rp.value)) : null;
  if (rp && rpv) return fact(rpv, `${pyFile}:${rp.line}`);
  const pp = m.pyproject.find((e) => e.table === 'tool.poetry.dependencies' && e.key.toLowerCase() === 'python');
  const ppv = pp ? pythonMinor(unquote(pp.value)) : null;
  if (pp && ppv) return fact(ppv, `${pyFile}:${pp.line}`);
  const rt = joinRel(dir, 'runtime.txt');
  const rtv = /python-(\d+\.\d+)/.exec(repo.read(rt) ?? '')?.[1];
  if (rtv) return fact(rtv, repo.locate(rt, /python-/) ?? rt);
  const pf = m.pipfile.find((e) => e.table === 'requires' && (e.key === 'python_version' || e.key === 'python_full_version'));
  const pfv = pf ? /(\d+\.\d+)/.exec(unquote(pf.value))?.[1] : undefined;
  if (pf && pfv) return fact(pfv, `${joinRel(dir, 'Pipfile')}:${pf.line}`);
  const tv = joinRel(dir, '.tool-versions');
  const tvv = /^\s*python\s+(\d+\.\d+)/m.exec(repo.read(tv) ?? '')?.[1];
  if (tvv) return fact(tvv, repo.locate(tv, /^\s*python\s+/) ?? tv);
  return byDefault(DEFAULT_PYTHON_VERSION);
}

function detectPackageManager(repo: RepoView, dir: string, m: Manifests): { pm: Fact<string | null>; lock: Fact<string | null> } {
  const at = (f: string) => joinRel(dir, f);
  const locked = (pm: string, f: string) => ({ pm: fact<string | null>(pm, at(f)), lock: fact<string | null>(f, at(f)) });
  if (repo.exists(at('uv.lock'))) return locked('uv', 'uv.lock');
  if (repo.exists(at('poetry.lock'))) return locked('poetry', 'poetry.lock');
  if (repo.exists(at('Pipfile.lock'))) return locked('pipenv', 'Pipfile.lock');
  const poetry = m.pyproject.find((e) => e.table.startsWith('tool.poetry'));
  if (poetry) return { pm: fact('poetry', `${at('pyproject.toml')}:${poetry.line}`), lock: byDefault(null) };
  if (repo.exists(at('Pipfile'))) return { pm: fact('pipenv', at('Pipfile')), lock: byDefault(null) };
  const req = m.requirements.find((f) => f.endsWith('.txt'));
  if (req) {
    const rel = dir === '.' ? req : req.slice(dir.length + 1);
    return { pm: fact('pip', req), lock: fact(rel, req) };
  }
  const manifest = ['pyproject.toml', 'setup.py', 'setup.cfg'].find((f) => repo.exists(at(f)));
  if (manifest) return { pm: fact('pip', at(manifest)), lock: byDefault(null) };
  return { pm: byDefault('pip'), lock: byDefault(null) };
}

/** The install of the project itself, by package manager (see `build` in the header). */
const PROJECT_INSTALL: Record<string, string> = {
  pip: 'pip install --no-deps .',
  pipenv: 'pip install --no-deps .',
  uv: 'uv sync --frozen --no-dev --no-editable',
  poetry: 'poetry install --only-root',
};

/**
 * Where the project shows it is installable by its package manager (a wheel can
 * be built and the manager would install it), as 'file:line', or null.
 */
function packagedAt(repo: RepoView, dir: string, m: Manifests, pm: string | null): string | null {
  const pyFile = joinRel(dir, 'pyproject.toml');
  const at = (e: TomlEntry | undefined): string | null => (e ? `${pyFile}:${e.line}` : null);
  const entry = (section: string, key?: string) => m.pyproject.find((e) => e.table === section && (key === undefined || e.key === key));
  const buildSystem = entry('build-system', 'build-backend') ?? entry('build-system');
  const projectName = entry('project', 'name');
  switch (pm) {
    case 'uv': {
      const pkg = entry('tool.uv', 'package');
      if (pkg) return unquote(pkg.value) === 'true' ? at(pkg) : null;
      return at(buildSystem);
    }
    case 'poetry': {
      const mode = entry('tool.poetry', 'package-mode');
      if (mode && unquote(mode.value) === 'false') return null;
      return at(entry('tool.poetry', 'name') ?? projectName ?? entry('tool.poetry'));
    }
    case 'pip':
    case 'pipenv': {
      const setupPy = joinRel(dir, 'setup.py');
      return at(buildSystem ?? projectName) ?? (repo.exists(setupPy) ? setupPy : null);
    }
    default:
      return null;
  }
}

/** The first console script the project declares, as 'file:line', or null. */
function consoleScriptsAt(repo: RepoView, dir: string, m: Manifests): string | null {
  const pyFile = joinRel(dir, 'pyproject.toml');
  const e = m.pyproject.find(
    (x) => x.table === 'project.scripts' || x.table === 'tool.poetry.scripts' || ((x.table === 'project' || x.table === 'tool.poetry') && ((x.key === 'scripts' && /=/.test(x.value)) || x.key.startsWith('scripts.'))),
  );
  if (e) return `${pyFile}:${e.line}`;
  for (const f of ['setup.py', 'setup.cfg'].map((n) => joinRel(dir, n))) {
    const src = repo.locate(f, /console_scripts/);
    if (src) return src;
  }
  return null;
}

// ---------------------------------------------------------------- entry / start

interface Ctx {
  repo: RepoView;
  dir: string;
  deps: DepMap;
  sources: string[];
  installable: boolean;
}

const relToDir = (ctx: Ctx, f: string): string => (ctx.dir === '.' ? f : f.slice(ctx.dir.length + 1));

/** Dotted module of a source file ('app/main.py' → 'app.main'); src/ dropped for installable projects. */
function moduleOf(ctx: Ctx, file: string): string {
  let rel = relToDir(ctx, file).replace(/\.py$/, '').replace(/\/__init__$/, '');
  if (ctx.installable && rel.startsWith('src/')) rel = rel.slice(4);
  return rel.split('/').join('.');
}

function rankFile(ctx: Ctx, f: string, names: string[]): number {
  const rel = relToDir(ctx, f);
  const depth = rel.split('/').length - 1;
  const i = names.indexOf(posix.basename(f));
  return depth * 100 + (i < 0 ? 50 : i);
}

function sortedSources(ctx: Ctx, names: string[]): string[] {
  return [...ctx.sources].sort((a, b) => rankFile(ctx, a, names) - rankFile(ctx, b, names) || a.localeCompare(b));
}

/** `module:var` of the app object built by `ctor(` (or a factory), with the line that proves it. */
function findAppObject(ctx: Ctx, ctors: string[]): { entry: string; source: string; file: string } | null {
  const ctorRe = ctors.map(escapeRe).join('|');
  const assign = new RegExp(`^(\\w+)\\s*(?::\\s*\\w+\\s*)?=\\s*(?:[\\w.]+\\.)?(?:${ctorRe})\\s*\\(`);
  const factoryCall = /^(\w+)\s*=\s*(?:[\w.]+\.)?(create_app|make_app|get_app|build_app|get_application|create_application)\s*\(/;
  const factoryDef = /^(?:async\s+)?def\s+(create_app|make_app|build_app|create_application)\s*\(/;
  const files = sortedSources(ctx, ENTRY_NAMES);
  for (const re of [assign, factoryCall]) {
    for (const f of files) {
      const src = ctx.repo.locate(f, re);
      if (!src) continue;
      const line = (ctx.repo.read(f) ?? '').split('\n')[Number(src.split(':').pop()) - 1]!;
      const v = re.exec(line)![1]!;
      return { entry: `${moduleOf(ctx, f)}:${v}`, source: src, file: f };
    }
  }
  for (const f of files) {
    const src = ctx.repo.locate(f, factoryDef);
    if (!src) continue;
    const line = (ctx.repo.read(f) ?? '').split('\n')[Number(src.split(':').pop()) - 1]!;
    return { entry: `${moduleOf(ctx, f)}:${factoryDef.exec(line)![1]}()`, source: src, file: f };
  }
  return null;
}

/** 'file:line' of a `__main__` block in `file` that runs a server with a literal port, or null. */
function selfRunning(ctx: Ctx, file: string): string | null {
  const text = ctx.repo.read(file) ?? '';
  const main = /^if\s+__name__\s*==\s*['"]__main__['"]\s*:/m.exec(text);
  if (!main || !/\.run\([^)]*\bport\s*=\s*\d{2,5}/.test(text.slice(main.index))) return null;
  return ctx.repo.locate(file, /^if\s+__name__\s*==/);
}

interface StartPlan {
  start: Fact<string[]>;
  entry: Fact<string | null>;
  port?: Fact<number | null>;
}

const bindPort = (ctx: Ctx, fallback: number): Fact<number> => confBind(ctx)?.port ?? byDefault(fallback);

/**
 * The bind gunicorn.conf.py declares (gunicorn reads that file from the working directory):
 * a literal (`bind = "0.0.0.0:8001"`) or a PORT read with a default
 * (`bind = f"0.0.0.0:{os.environ.get('PORT', '8001')}"`). Null when it sets no bind we can read.
 */
function confBind(ctx: Ctx): { port: Fact<number> } | null {
  const conf = joinRel(ctx.dir, 'gunicorn.conf.py');
  const text = ctx.repo.read(conf);
  const line = text?.split('\n').find((l) => /^\s*bind\s*=/.test(l));
  if (!line) return null;
  const m =
    /['"][^'"]*:(\d{2,5})['"]/.exec(line) ??
    /(?:environ\.get|getenv)\(\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})/.exec(line) ??
    /environ\[\s*['"]PORT['"]\s*\]\s*(?:\)\s*)?(?:or|if)[^\d]*(\d{2,5})/.exec(line);
  return m ? { port: fact(Number(m[1]), ctx.repo.locate(conf, /^\s*bind\s*=/) ?? conf) } : null;
}

function has(ctx: Ctx, name: string): boolean {
  return ctx.deps.has(name);
}
const depSrc = (ctx: Ctx, name: string, fallback: string): string => ctx.deps.get(name) ?? fallback;

function djangoPlan(ctx: Ctx): StartPlan | null {
  const manage = joinRel(ctx.dir, 'manage.py');
  const settings = /DJANGO_SETTINGS_MODULE['"]?\s*,\s*['"]([\w.]+)['"]/.exec(ctx.repo.read(manage) ?? '');
  let project = settings ? settings[1]!.split('.')[0]! : null;
  const settingsSrc = ctx.repo.locate(manage, /DJANGO_SETTINGS_MODULE/) ?? manage;
  if (!project || !ctx.repo.exists(joinRel(ctx.dir, project, 'wsgi.py'))) {
    const wsgi = ctx.sources.find((f) => posix.basename(f) === 'wsgi.py' && /get_wsgi_application/.test(ctx.repo.read(f) ?? ''));
    if (wsgi) project = moduleOf(ctx, posix.dirname(wsgi) + '/x.py').replace(/\.x$/, '');
  }
  if (!project) return null;
  const wsgiEntry = `${project}.wsgi:application`;
  const asgiEntry = `${project}.asgi:application`;
  const hasAsgi = ctx.repo.exists(joinRel(ctx.dir, project.split('.').join('/'), 'asgi.py'));
  if (has(ctx, 'gunicorn')) {
    const port = bindPort(ctx, 8000);
    return { start: fact(['gunicorn', '--bind', `0.0.0.0:${port.value}`, wsgiEntry], depSrc(ctx, 'gunicorn', settingsSrc)), entry: fact(wsgiEntry, settingsSrc), port };
  }
  if (hasAsgi && has(ctx, 'uvicorn')) {
    return { start: fact(['uvicorn', asgiEntry, '--host', '0.0.0.0', '--port', '8000'], depSrc(ctx, 'uvicorn', settingsSrc)), entry: fact(asgiEntry, settingsSrc), port: byDefault(8000) };
  }
  if (hasAsgi && has(ctx, 'daphne')) {
    return { start: fact(['daphne', '-b', '0.0.0.0', '-p', '8000', asgiEntry], depSrc(ctx, 'daphne', settingsSrc)), entry: fact(asgiEntry, settingsSrc), port: byDefault(8000) };
  }
  return { start: fact(['python', 'manage.py', 'runserver', '0.0.0.0:8000', '--noreload'], settingsSrc), entry: fact(wsgiEntry, settingsSrc), port: byDefault(8000) };
}

/** Scripts that call a service (a gRPC or HTTP client, a smoke test) rather than run it. */
const isClientScript = (f: string): boolean => /(?:^|[_-])client\.py$|^client\.py$/.test(posix.basename(f));

function scriptPlan(ctx: Ctx, prefer: RegExp | null): StartPlan | null {
  const candidates = sortedSources(ctx, SCRIPT_NAMES).filter((f) => !/(?:^|\/)(?:setup|conftest|manage|settings|config|__init__)\.py$/.test(f));
  const pick =
    (prefer && candidates.find((f) => prefer.test(ctx.repo.read(f) ?? ''))) ||
    candidates.find((f) => relToDir(ctx, f).split('/').length === 1 && SCRIPT_NAMES.includes(posix.basename(f))) ||
    candidates.find((f) => relToDir(ctx, f).split('/').length === 1 && !isClientScript(f) && /if\s+__name__\s*==\s*['"]__main__['"]/.test(ctx.repo.read(f) ?? ''));
  if (pick) {
    const rel = relToDir(ctx, pick);
    const src = (prefer && ctx.repo.locate(pick, prefer)) || ctx.repo.locate(pick, /if\s+__name__\s*==/) || pick;
    return { start: fact(['python', rel], src), entry: fact(rel, src) };
  }
  const mainPkg = ctx.sources.find((f) => posix.basename(f) === '__main__.py' && relToDir(ctx, f).split('/').length <= 3);
  if (mainPkg) {
    const mod = moduleOf(ctx, posix.dirname(mainPkg) + '/x.py').replace(/\.x$/, '');
    return { start: fact(['python', '-m', mod], mainPkg), entry: fact(mod, mainPkg) };
  }
  return null;
}

/** Procfile line (web first, or worker when `allowWorker`), with $PORT filled in. */
function procfilePlan(ctx: Ctx, defaultPort: number, allowWorker: boolean): (StartPlan & { kind: string }) | null {
  const file = joinRel(ctx.dir, 'Procfile');
  const text = ctx.repo.read(file);
  if (text === null) return null;
  const kinds = allowWorker ? ['web', 'worker'] : ['web'];
  for (const kind of kinds) {
    const m = new RegExp(`^${kind}:\\s*(.+)$`, 'm').exec(text);
    if (!m) continue;
    const src = ctx.repo.locate(file, new RegExp(`^${kind}:`)) ?? file;
    let cmd = m[1]!.trim();
    const envDefault = /\$\{PORT:-(\d+)\}/.exec(cmd)?.[1];
    const literal = !/\$\{?PORT/.test(cmd);
    const port = envDefault ? Number(envDefault) : defaultPort;
    cmd = cmd.replace(/\$\{PORT(?::-\d+)?\}|\$PORT\b/g, String(port));
    let words = cmd.split(/\s+/).filter(Boolean);
    while (words[0] && /^[A-Za-z_]\w*=/.test(words[0])) words = words.slice(1);
    if (['poetry', 'pipenv', 'uv', 'pdm', 'hatch'].includes(words[0] ?? '') && words[1] === 'run') words = words.slice(2);
    let portFact: Fact<number | null> | undefined;
    const joined = words.join(' ');
    const lit = /(?:--bind|-b)[= ]\S*:(\d+)|--port[= ](\d+)|runserver\s+\S*?:?(\d{2,5})\b/.exec(joined);
    if (lit) {
      const p = Number(lit[1] ?? lit[2] ?? lit[3]);
      portFact = literal || envDefault ? fact(p, src) : byDefault(p);
    } else if (words[0] === 'gunicorn' && !words.some((w) => /^(?:-b|--bind)(?:=|$)/.test(w))) {
      // No bind on the command line: gunicorn.conf.py's, else 0.0.0.0:$PORT (the container sets PORT), else 8000.
      portFact = bindPort(ctx, 8000);
    }
    const entryTok = words.find((w, i) => i > 0 && /^[\w.]+:[\w().]+$/.test(w)) ?? words.find((w) => w.endsWith('.py')) ?? null;
    return { kind, start: fact(words, src), entry: fact(entryTok, src), port: kind === 'web' ? portFact : undefined };
  }
  return null;
}

// ---------------------------------------------------------------- processes

/** A Procfile command in exec form: env prefixes and `poetry run`-style wrappers dropped; shell syntax runs under sh -c. */
function pythonArgv(cmd: string): string[] | null {
  if (/[;&|<>`]|\$\(/.test(cmd)) return ['sh', '-c', cmd];
  let words = cmd.split(/\s+/).filter(Boolean);
  while (words[0] && /^[A-Za-z_]\w*=/.test(words[0])) words = words.slice(1);
  if (['poetry', 'pipenv', 'uv', 'pdm', 'hatch'].includes(words[0] ?? '') && words[1] === 'run') words = words.slice(2);
  if (words.some((w) => w.includes('$'))) return ['sh', '-c', `exec ${words.join(' ')}`];
  return words.length ? words : null;
}

/** Signs that a Celery app schedules periodic tasks, so a beat process runs beside its workers. */
const CELERY_BEAT_RE = /\bbeat_schedule\b|\bCELERY_BEAT_SCHEDULE\b|\bCELERYBEAT_SCHEDULE\b|['"]django_celery_beat['"]|\badd_periodic_task\s*\(|@periodic_task\b/;
const DRAMATIQ_ACTOR_RE = /^\s*@(?:dramatiq\.)?actor\b/m;

/**
 * The folder's other processes: the Procfile's other lines (`main` is the one the service
 * runs), then the conventions of its libraries when no line runs them already: a Celery
 * worker beside a web framework, Celery beat when the app schedules tasks, a Dramatiq worker.
 */
function pythonProcesses(ctx: Ctx, main: string | null, plan: StartPlan | null, fw: string | null): ProcessFacts[] {
  const out = procfileProcesses(procfileEntries(ctx.repo, ctx.dir), main, pythonArgv);
  const celeryApp = has(ctx, 'celery') ? findAppObject(ctx, ['Celery']) : null;
  const mainWords = plan?.start.value ?? [];
  const runs = (re: RegExp) => re.test(mainWords.join(' ')) || hasProcess(out, re);
  if (celeryApp) {
    const [mod, variable] = celeryApp.entry.split(':') as [string, string];
    // `-A module` finds an app named app or celery; any other name is given.
    const target = variable === 'app' || variable === 'celery' ? mod : celeryApp.entry;
    if (fw !== null && !runs(/\bcelery\b.*\bworker\b/))
      out.push({ name: 'worker', start: fact(['celery', '-A', target, 'worker', '--loglevel=INFO'], celeryApp.source), release: false, port: fact(null, celeryApp.source) });
    const beat = ctx.sources.map((f) => ctx.repo.locate(f, CELERY_BEAT_RE)).find(Boolean) ?? ctx.deps.get('django-celery-beat') ?? null;
    if (beat && !runs(/\bcelery\b.*(?:\bbeat\b|\s-B\b)/))
      out.push({ name: 'beat', start: fact(['celery', '-A', target, 'beat', '--loglevel=INFO'], beat), release: false, port: fact(null, beat) });
  }
  if (has(ctx, 'dramatiq') && !runs(/\bdramatiq\b/)) {
    const actors = ctx.sources.filter((f) => DRAMATIQ_ACTOR_RE.test(ctx.repo.read(f) ?? '')).sort();
    if (actors.length) {
      const src = ctx.repo.locate(actors[0]!, DRAMATIQ_ACTOR_RE) ?? actors[0]!;
      out.push({ name: out.some((p) => p.name === 'worker') ? 'dramatiq' : 'worker', start: fact(['dramatiq', ...actors.map((f) => moduleOf(ctx, f))], src), release: false, port: fact(null, src) });
    }
  }
  return out;
}

// ---------------------------------------------------------------- detector

const imports = (mod: string): RegExp => new RegExp(`^\\s*(?:from|import)\\s+${mod}\\b`, 'm');
/** Most specific first (fastapi before starlette, which it is built on). */
const FRAMEWORKS: [dep: string, name: PythonFramework, importRe: RegExp][] = [
  ['django', 'django', imports('django')],
  ['fastapi', 'fastapi', imports('fastapi')],
  ['litestar', 'litestar', imports('litestar')],
  ['quart', 'quart', imports('quart')],
  ['sanic', 'sanic', imports('sanic')],
  ['flask', 'flask', imports('flask')],
  ['falcon', 'falcon', imports('falcon')],
  ['bottle', 'bottle', imports('bottle')],
  ['starlette', 'starlette', imports('starlette')],
  ['aiohttp', 'aiohttp', /^\s*from\s+aiohttp\s+import\s+web\b|^\s*import\s+aiohttp\.web\b/m],
  ['tornado', 'tornado', imports('tornado')],
];
/** App constructors of WSGI / ASGI frameworks (what `app = X(` looks like). */
const WSGI_APPS: Record<string, string[]> = { flask: ['Flask'], falcon: ['falcon.App', 'falcon.API', 'App', 'API'], bottle: ['Bottle'] };
const ASGI_APPS: Record<string, string[]> = { fastapi: ['FastAPI'], starlette: ['Starlette'], quart: ['Quart'], litestar: ['Litestar'], sanic: ['Sanic'] };

function detectFramework(ctx: Ctx): Fact<string | null> {
  const manage = joinRel(ctx.dir, 'manage.py');
  if (ctx.repo.exists(manage) && /django/i.test(ctx.repo.read(manage) ?? '')) {
    return fact('django', ctx.deps.get('django') ?? ctx.repo.locate(manage, /DJANGO_SETTINGS_MODULE|django/) ?? manage);
  }
  for (const [dep, name] of FRAMEWORKS) {
    // aiohttp is often only an HTTP client: count it when its web server is imported.
    if (dep === 'aiohttp') continue;
    if (has(ctx, dep)) return fact(name, ctx.deps.get(dep)!);
  }
  for (const [, name, re] of FRAMEWORKS) {
    for (const f of ctx.sources) {
      const src = ctx.repo.locate(f, re);
      if (src) return fact(name, src);
    }
  }
  return byDefault(null);
}

export const pythonDetector: LanguageDetector = {
  language: 'python',

  matches(repo, dir) {
    if (MANIFESTS.some((m) => isManifestFile(repo, joinRel(dir, m)))) return true;
    const names = repo.list(dir);
    if (names.includes('manage.py')) return true;
    // Beside another language's manifest, a requirements.txt or a script is tooling (docs, codegen).
    if (OTHER_MANIFESTS.some((m) => repo.exists(joinRel(dir, m))) || names.some((n) => /\.(?:csproj|fsproj|sln)$/.test(n))) return false;
    if (names.some((n) => /^requirements.*\.txt$/.test(n))) return true;
    if (names.some((n) => APP_MODULES.includes(n))) return true;
    return names.some((n) => n.endsWith('.py') && /if\s+__name__\s*==\s*['"]__main__['"]/.test(repo.read(joinRel(dir, n)) ?? ''));
  },

  detect(repo, dir): LanguageFacts {
    const manifests = readManifests(repo, dir);
    const sources = pySources(repo, dir);
    const { pm, lock } = detectPackageManager(repo, dir, manifests);
    // A package of some kind (a library when there is nothing to run).
    const distribution =
      isManifestFile(repo, joinRel(dir, 'setup.py')) || manifests.pyproject.some((e) => (e.table === 'project' && e.key === 'name') || e.table === 'tool.poetry');
    const packaged = packagedAt(repo, dir, manifests, pm.value);
    const ctx: Ctx = { repo, dir, deps: manifests.deps, sources, installable: packaged !== null };
    const framework = detectFramework(ctx);
    const fw = framework.value;

    const extra = [
      ...manifests.requirements,
      ...EXTRA_FILES.map((f) => joinRel(dir, f)).filter((f) => repo.exists(f) && !repo.isDir(f)),
    ];
    const facts: LanguageFacts = {
      language: 'python',
      languageVersion: detectVersion(repo, dir, manifests),
      framework,
      packageManager: pm,
      lockfile: lock,
      build: byDefault(null),
      outputDir: byDefault(null),
      dependencies: [...manifests.deps.keys()],
      sourceFiles: [...new Set([...sources, ...extra])],
    };

    let plan: StartPlan | null = null;
    const asgiServer = has(ctx, 'gunicorn') && has(ctx, 'uvicorn') ? 'gunicorn-uvicorn' : has(ctx, 'uvicorn') || !has(ctx, 'hypercorn') ? 'uvicorn' : 'hypercorn';
    const defaultPort =
      fw === 'flask' ? (has(ctx, 'gunicorn') ? 8000 : has(ctx, 'waitress') ? 8080 : 5000) : fw === 'aiohttp' ? 8080 : 8000;

    const proc = procfilePlan(ctx, defaultPort, fw === null);
    if (proc) {
      plan = proc;
    } else if (fw === 'django') {
      plan = djangoPlan(ctx);
    } else if (fw && WSGI_APPS[fw]) {
      const app = findAppObject(ctx, WSGI_APPS[fw]!);
      if (app) {
        if (has(ctx, 'gunicorn')) {
          const port = bindPort(ctx, 8000);
          plan = { start: fact(['gunicorn', '--bind', `0.0.0.0:${port.value}`, app.entry], depSrc(ctx, 'gunicorn', app.source)), entry: fact(app.entry, app.source), port };
        } else if (has(ctx, 'waitress')) {
          plan = { start: fact(['waitress-serve', '--listen=0.0.0.0:8080', app.entry], depSrc(ctx, 'waitress', app.source)), entry: fact(app.entry, app.source), port: byDefault(8080) };
        } else if (fw === 'flask' && selfRunning(ctx, app.file)) {
          // No WSGI server: the app runs itself (`if __name__ == "__main__": app.run(port=...)`), as its author does.
          const rel = relToDir(ctx, app.file);
          plan = { start: fact(['python', rel], selfRunning(ctx, app.file)!), entry: fact(rel, app.source) };
        } else if (fw === 'flask') {
          plan = { start: fact(['flask', '--app', app.entry, 'run', '--host', '0.0.0.0', '--port', '5000'], app.source), entry: fact(app.entry, app.source), port: byDefault(5000) };
        }
      }
    } else if (fw && ASGI_APPS[fw]) {
      const app = findAppObject(ctx, ASGI_APPS[fw]!);
      if (app) {
        const entry = fact(app.entry, app.source);
        if (asgiServer === 'gunicorn-uvicorn') {
          const port = bindPort(ctx, 8000);
          plan = { start: fact(['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', '--bind', `0.0.0.0:${port.value}`, app.entry], depSrc(ctx, 'gunicorn', app.source)), entry, port };
        } else if (asgiServer === 'hypercorn') {
          plan = { start: fact(['hypercorn', app.entry, '--bind', '0.0.0.0:8000'], depSrc(ctx, 'hypercorn', app.source)), entry, port: byDefault(8000) };
        } else {
          plan = { start: fact(['uvicorn', app.entry, '--host', '0.0.0.0', '--port', '8000'], depSrc(ctx, 'uvicorn', app.source)), entry, port: byDefault(8000) };
        }
      }
    } else if (fw === 'aiohttp') {
      const app = findAppObject(ctx, ['web.Application', 'Application']);
      if (app && has(ctx, 'gunicorn')) {
        const port = bindPort(ctx, 8080);
        plan = {
          start: fact(['gunicorn', '--bind', `0.0.0.0:${port.value}`, '--worker-class', 'aiohttp.GunicornWebWorker', app.entry], depSrc(ctx, 'gunicorn', app.source)),
          entry: fact(app.entry, app.source),
          port,
        };
      } else {
        plan = scriptPlan(ctx, /run_app\s*\(/);
        if (plan) plan.port = byDefault(8080);
      }
    } else if (fw === 'tornado') {
      plan = scriptPlan(ctx, /\.listen\s*\(|IOLoop/);
    } else if (fw === null) {
      const celeryApp = has(ctx, 'celery') ? findAppObject(ctx, ['Celery']) : null;
      const stdlibWeb = sources.find((f) => PLAIN_SERVER_RE.test(repo.read(f) ?? ''));
      if (celeryApp && !stdlibWeb) {
        const mod = celeryApp.entry.split(':')[0]!;
        plan = { start: fact(['celery', '-A', mod, 'worker', '--loglevel=INFO'], celeryApp.source), entry: fact(mod, celeryApp.source) };
      } else {
        plan = scriptPlan(ctx, stdlibWeb ? PLAIN_SERVER_RE : null);
      }
    }
    // A framework whose app object was not found: run the script that starts it.
    if (!plan && fw !== null) plan = scriptPlan(ctx, /\.run\s*\(|uvicorn\.run|run_app|serve\s*\(/);

    if (plan) {
      facts.start = plan.start;
      facts.entry = plan.entry;
      if (plan.port) facts.port = plan.port;
    } else {
      facts.entry = byDefault(null);
    }

    const procWorker = proc?.kind === 'worker';
    const stdlibWeb = sources.some((f) => PLAIN_SERVER_RE.test(repo.read(f) ?? ''));
    facts.worker = (fw === null && !stdlibWeb && !(proc && proc.kind === 'web')) || procWorker;
    // Nothing runnable and no Python code at all (requirements of a code-generation image, say
    // grpcio-tools): tooling, not a service, unless a Dockerfile it ships says what to run.
    const noCode = !plan && sources.length === 0 && !dockerfileCommand(repo, dir);
    facts.library = (!plan && fw === null && distribution) || noCode;
    if (facts.library) facts.worker = false;

    facts.processes = pythonProcesses(ctx, proc?.kind ?? null, plan, fw);

    // The project itself goes into the virtualenv when it runs only once installed.
    const scripts = consoleScriptsAt(repo, dir, manifests);
    const srcLayout = sources.some((f) => relToDir(ctx, f).startsWith('src/'));
    const install = pm.value ? PROJECT_INSTALL[pm.value] : undefined;
    if (packaged && install && (srcLayout || scripts) && !facts.library) facts.build = fact(install, scripts ?? packaged);
    return facts;
  },
};
