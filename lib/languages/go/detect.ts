/**
 * Go detector.
 *
 * Conventions (what the rest of the generator can rely on):
 *
 * - `languageVersion` is 'major.minor': the newer of the `toolchain go1.23.2` line
 *   (→ '1.23') and the `go 1.22[.3]` directive (→ '1.22'), as Go itself picks; default: the go pin's version (templates/images.Dockerfile).
 * - `packageManager` is 'go'; `lockfile` is 'go.sum' when present.
 * - `entry` is the main package to build, as a `go build` argument: '.' when
 *   the folder itself is package main, './cmd/<name>' for a cmd/ layout (when
 *   there are several, the one named like the service folder or the module,
 *   else the first in sorted order; the other commands are not built),
 *   else the shallowest other main package ('./server'). Without a go.mod,
 *   the main package's files are listed ('main.go util.go').
 * - binary name: the cmd folder for './cmd/<name>' (or another subfolder),
 *   else the last element of the module path (a '/vN' suffix dropped), else
 *   the folder name, else 'app'.
 * - `build` is `go build -o /out/<name> <entry>`: the build stage writes the
 *   binary to /out; CGO_ENABLED, -trimpath and -ldflags are the Dockerfile's
 *   business.
 * - `start` is ['./<name>']: the runtime stage copies /out/<name> into the
 *   service's working directory and runs it from there.
 * - `framework`: gin, echo, fiber, chi, 'gorilla-mux' from direct requires
 *   of go.mod; null for plain net/http. `port` is only set for gin (Run()
 *   defaults to 8080); other ports come from scanning code.
 * - `worker` is true when no framework is required and no code listens
 *   (ListenAndServe, http.Serve, net.Listen, grpc.NewServer...).
 * - `dependencies` are the module paths of direct requires (`// indirect`
 *   ones are left out: they are not imported by this code).
 * - `linking` is 'dynamic' when the code uses cgo: a source file imports "C", or go.mod
 *   requires a module that only works with cgo (CGO_MODULES: go-sqlite3, the Kafka and
 *   GTK bindings...); else 'static' (the runtime image is then `scratch`).
 */
import { posix } from 'node:path';
import type { Linking } from '../../model/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { byDefault, fact } from '../../detect/types.js';
import { joinRel } from '../../detect/repo.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
export const DEFAULT_GO_VERSION = defaultLanguageVersion('go');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const GO = vocabulary(['chi', 'echo', 'fiber', 'gin', 'gorilla-mux'] as const, ['go'] as const);
export type GoFramework = (typeof GO.frameworks)[number];
export const { framework: goFramework, packageManager: goPackageManager } = GO;

const EXTRA_FILES = ['go.mod', '.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
const SKIP_DIRS = new Set(['testdata', 'examples', 'example', 'tools', 'scripts', 'hack', 'docs', 'test', 'tests', 'e2e']);
const MAIN_RE = /^package\s+main\b/m;
const LISTEN_RE =
  /\bListenAndServe(?:TLS)?\s*\(|\bhttp\.Serve(?:TLS)?\s*\(|\bnet\.Listen\s*\(|\bgrpc\.NewServer\s*\(|\bhttp\.Server\s*\{|\.Serve\s*\(\s*\w*(?:lis|Lis|listener)/;

const FRAMEWORKS: [module: RegExp, name: GoFramework][] = [
  [/^github\.com\/gofiber\/fiber(?:\/v\d+)?$/, 'fiber'],
  [/^github\.com\/gin-gonic\/gin$/, 'gin'],
  [/^github\.com\/labstack\/echo(?:\/v\d+)?$/, 'echo'],
  [/^github\.com\/go-chi\/chi(?:\/v\d+)?$/, 'chi'],
  [/^github\.com\/gorilla\/mux$/, 'gorilla-mux'],
];

/** Modules that need cgo (a C library linked in): their users cannot be static binaries. */
const CGO_MODULES = [
  /^github\.com\/mattn\/go-sqlite3$/,
  /^github\.com\/confluentinc\/confluent-kafka-go(?:\/v\d+)?$/,
  /^github\.com\/gotk3\/gotk3$/,
  /^github\.com\/go-gl\//,
  /^github\.com\/tecbot\/gorocksdb$/,
  /^github\.com\/linxGnu\/grocksdb$/,
  /^gopkg\.in\/gographics\/imagick\.v\d+$/,
  /^github\.com\/h2non\/bimg$/,
  /^github\.com\/davidbyttow\/govips(?:\/v\d+)?$/,
];

/** `import "C"`, alone or in an import block. */
const CGO_IMPORT_RE = /^\s*import\s+"C"\s*$|^import\s*\([^)]*^\s*"C"\s*$/ms;

/** 'dynamic' with the file and line that need cgo, else 'static' by default. */
export function goLinking(repo: RepoView, sources: string[], requires: { path: string; source: string }[]): Fact<Linking> {
  const module = requires.find((r) => CGO_MODULES.some((re) => re.test(r.path)));
  if (module) return fact('dynamic', module.source);
  for (const file of sources) {
    const at = repo.locate(file, /^\s*import\s+"C"\s*$|^\s*"C"\s*$/);
    if (at && CGO_IMPORT_RE.test(repo.read(file) ?? '')) return fact('dynamic', at);
  }
  return byDefault('static');
}

interface GoMod {
  module: string | null;
  goVersion: Fact<string> | null;
  requires: { path: string; source: string; indirect: boolean }[];
}

/** Reads go.mod: module path, language version (toolchain first), requires with their lines. */
export function parseGoMod(text: string, file: string): GoMod {
  const lines = text.split('\n');
  let module: string | null = null;
  let goDirective: Fact<string> | null = null;
  let toolchain: Fact<string> | null = null;
  const requires: GoMod['requires'] = [];
  let inRequire = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const src = `${file}:${i + 1}`;
    if (inRequire) {
      if (line.startsWith(')')) {
        inRequire = false;
        return;
      }
      const m = /^(\S+)\s+v\S+/.exec(line);
      if (m && !line.startsWith('//')) requires.push({ path: m[1]!, source: src, indirect: /\/\/\s*indirect/.test(line) });
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^module\s+"?([^\s"]+)"?/.exec(line))) module = m[1]!;
    else if ((m = /^go\s+(\d+)\.(\d+)/.exec(line))) goDirective = fact(`${m[1]}.${m[2]}`, src);
    else if ((m = /^toolchain\s+go(\d+)\.(\d+)/.exec(line))) toolchain = fact(`${m[1]}.${m[2]}`, src);
    else if (/^require\s*\(\s*$/.test(line)) inRequire = true;
    else if ((m = /^require\s+(\S+)\s+v\S+/.exec(line))) requires.push({ path: m[1]!, source: src, indirect: /\/\/\s*indirect/.test(line) });
  });
  // Go builds with the newer of the two: the go line is the least the module needs, the
  // toolchain line a suggestion that never goes below it.
  const newer = (a: Fact<string> | null, b: Fact<string> | null): Fact<string> | null => {
    if (!a || !b) return a ?? b;
    const key = (f: Fact<string>) => f.value.split('.').map(Number).reduce((acc, n) => acc * 1000 + n, 0);
    return key(a) >= key(b) ? a : b;
  };
  return { module, goVersion: newer(toolchain, goDirective), requires };
}

/** Non-test .go files directly in `dir`. */
function goFilesIn(repo: RepoView, dir: string): string[] {
  return repo
    .list(dir)
    .filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))
    .map((n) => joinRel(dir, n))
    .filter((f) => !repo.isDir(f));
}

const isMainPackage = (repo: RepoView, dir: string): boolean => goFilesIn(repo, dir).some((f) => MAIN_RE.test(repo.read(f) ?? ''));

const binaryName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'app';

function moduleBase(module: string | null): string | null {
  if (!module) return null;
  const parts = module.split('/');
  let last = parts.pop()!;
  if (/^v\d+$/.test(last) && parts.length) last = parts.pop()!;
  return last;
}

function inNestedModule(repo: RepoView, dir: string, file: string): boolean {
  const base = dir === '.' ? '' : `${dir}/`;
  const rel = file.slice(base.length).split('/');
  let cur = dir;
  for (let i = 0; i < rel.length - 1; i++) {
    if (SKIP_DIRS.has(rel[i]!)) return true;
    cur = joinRel(cur, rel[i]!);
    if (repo.exists(joinRel(cur, 'go.mod'))) return true;
  }
  return false;
}

export const goDetector: LanguageDetector = {
  language: 'go',

  matches(repo, dir) {
    if (repo.exists(joinRel(dir, 'go.mod'))) return true;
    return isMainPackage(repo, dir);
  },

  detect(repo, dir): LanguageFacts {
    const modFile = joinRel(dir, 'go.mod');
    const modText = repo.read(modFile);
    const mod = modText !== null ? parseGoMod(modText, modFile) : null;
    const base = dir === '.' ? '' : `${dir}/`;
    const sources = repo
      .walk(dir, { extensions: ['.go'] })
      .filter((f) => !f.endsWith('_test.go') && !inNestedModule(repo, dir, f))
      .slice(0, 2000);
    const extra = EXTRA_FILES.map((f) => joinRel(dir, f)).filter((f) => repo.exists(f) && !repo.isDir(f));
    const direct = (mod?.requires ?? []).filter((r) => !r.indirect);

    const facts: LanguageFacts = {
      language: 'go',
      languageVersion: mod?.goVersion ?? byDefault(DEFAULT_GO_VERSION),
      packageManager: mod ? fact('go', modFile) : byDefault('go'),
      lockfile: repo.exists(joinRel(dir, 'go.sum')) ? fact('go.sum', joinRel(dir, 'go.sum')) : byDefault(null),
      outputDir: byDefault(null),
      linking: goLinking(repo, sources, direct),
      dependencies: direct.map((r) => r.path),
      sourceFiles: [...sources, ...extra],
    };

    // framework
    let framework: Fact<string | null> = byDefault(null);
    for (const [re, name] of FRAMEWORKS) {
      const req = direct.find((r) => re.test(r.path));
      if (req) {
        framework = fact(name, req.source);
        break;
      }
    }
    facts.framework = framework;

    // entry: root main package, cmd/<name>, or another main package.
    const folderName = posix.basename(dir === '.' ? repo.root : dir);
    const modName = moduleBase(mod?.module ?? null);
    let entry: string | null = null;
    let entrySource = modFile;
    let name: string | null = null;
    const rootMain = goFilesIn(repo, dir).find((f) => MAIN_RE.test(repo.read(f) ?? ''));
    if (rootMain) {
      entry = mod ? '.' : goFilesIn(repo, dir).filter((f) => MAIN_RE.test(repo.read(f) ?? '')).map((f) => posix.basename(f)).join(' ');
      entrySource = repo.locate(rootMain, MAIN_RE) ?? rootMain;
      name = modName ?? folderName;
    } else {
      const cmdDir = joinRel(dir, 'cmd');
      const cmds = repo.list(cmdDir).filter((n) => repo.isDir(joinRel(cmdDir, n)) && isMainPackage(repo, joinRel(cmdDir, n)));
      // Several commands: the one named like the service wins, else the first; the others are not built.
      const chosen = cmds.find((n) => n === folderName) ?? cmds.find((n) => n === modName) ?? cmds[0];
      if (chosen) {
        entry = `./cmd/${chosen}`;
        name = chosen;
        const f = goFilesIn(repo, joinRel(cmdDir, chosen)).find((g) => MAIN_RE.test(repo.read(g) ?? ''))!;
        entrySource = repo.locate(f, MAIN_RE) ?? f;
      } else {
        const mainDirs = [...new Set(sources.filter((f) => MAIN_RE.test(repo.read(f) ?? '')).map((f) => posix.dirname(f)))].sort(
          (a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b),
        );
        const d = mainDirs[0];
        if (d) {
          const rel = d.slice(base.length);
          entry = `./${rel}`;
          name = posix.basename(rel);
          const f = goFilesIn(repo, d).find((g) => MAIN_RE.test(repo.read(g) ?? ''))!;
          entrySource = repo.locate(f, MAIN_RE) ?? f;
        }
      }
    }

    if (entry !== null) {
      const bin = binaryName(name ?? modName ?? folderName);
      facts.entry = fact(entry, entrySource);
      facts.build = fact(`go build -o /out/${bin} ${entry}`, entrySource);
      facts.start = fact([`./${bin}`], entrySource);
      facts.library = false;
    } else {
      // A module with no main package is a library other modules import.
      facts.entry = byDefault(null);
      facts.build = byDefault(null);
      facts.library = !!mod;
    }

    if (framework.value === 'gin') facts.port = byDefault(8080);
    const listens = sources.some((f) => LISTEN_RE.test(repo.read(f) ?? ''));
    facts.worker = !facts.library && entry !== null && framework.value === null && !listens;
    return facts;
  },
};
