/**
 * Service discovery: which folders of a repository are services we build an
 * image for. Every folder down to MAX_DEPTH is offered to the language
 * detectors (first match wins); the candidates are then arranged as a tree:
 *
 * - An aggregator (package.json "workspaces", pnpm-workspace.yaml, lerna.json,
 *   go.work, a pom with <modules>, a Cargo [workspace], settings.gradle includes)
 *   is not a service itself; its members are candidates wherever they sit.
 *   It becomes a service only when it is runnable and no service sits below it.
 * - A candidate nested in another, with no manifest of its own (a Python
 *   package, a Go cmd/ folder, public/index.html), is part of its parent.
 * - A candidate with service folders below it gives way to them, unless its own
 *   code is a server too (a framework, or a listen call in its own files):
 *   `server.js` at the root with a React `client/` keeps both.
 * - Libraries (LanguageFacts.library) are never services.
 */
import { basename as pathBasename } from 'node:path';
import { PORTABLE_SEGMENT, toDnsLabel } from '../model/kinds.js';
import { LANGUAGE_DETECTORS } from '../languages/index.js';
import { IGNORED_DIRS as IGNORED, OUTPUT_DIRS, isVirtualenv, joinRel } from './repo.js';
import { byCode, codeFiles, manifestFiles, scanCodePorts, scanEnvReads, springSetting } from './scan.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from './types.js';

/** How deep below the root a service folder may sit (services/<group>/<svc>/<x> is 4). */
export const MAX_DEPTH = 4;

/**
 * Folders that hold tests, docs, examples or tooling: a package.json or an
 * index.html there is not a service. (IGNORED_DIRS and OUTPUT_DIRS of repo.ts are skipped too.)
 */
const NON_SERVICE_DIRS = new Set([
  'test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'cypress', 'playwright', 'fixtures', 'testdata', '__fixtures__', '__mocks__',
  'examples', 'example', 'samples', 'sample', 'scripts', 'tools', 'hack', 'benchmarks', 'migrations',
]);

/**
 * Documentation folders: not services, except a docs app a workspace lists as a member
 * (apps/docs of a turborepo is deployed like the other apps).
 */
const DOC_DIRS = new Set(['docs', 'doc']);
const inDocs = (dir: string): boolean => dir.split('/').some((p) => DOC_DIRS.has(p.toLowerCase()));

/** A folder some detector matched. */
export interface Candidate {
  dir: string;
  detector: LanguageDetector;
  facts: LanguageFacts;
  /** Member patterns when the folder is a workspace/aggregator, else null. */
  members: string[] | null;
}

/** A service folder, with its name. */
export interface DiscoveredService {
  dir: string;
  name: string;
  /** Where the name came from: a manifest line, or the folder. */
  nameSource: string;
  facts: LanguageFacts;
}

export interface Discovery {
  services: DiscoveredService[];
  warnings: string[];
}

const depthOf = (dir: string): number => (dir === '.' ? 0 : dir.split('/').length);
const isUnder = (dir: string, parent: string): boolean => parent === '.' ? dir !== '.' : dir.startsWith(`${parent}/`);

/** Every folder down to MAX_DEPTH, the root first, skipping dependency/build/test folders. */
export function listDirs(repo: RepoView, maxDepth = MAX_DEPTH, unusable: string[] = []): string[] {
  const out: string[] = ['.'];
  const visit = (dir: string, depth: number) => {
    if (depth >= maxDepth) return;
    for (const name of repo.list(dir)) {
      const child = joinRel(dir, name);
      if (name.startsWith('.') || IGNORED.has(name) || OUTPUT_DIRS.has(name) || NON_SERVICE_DIRS.has(name.toLowerCase()) || !repo.isDir(child) || isVirtualenv(repo, child)) continue;
      // A folder name is data in every output (a Dockerfile, a shell script, YAML): only portable names are used.
      if (!PORTABLE_SEGMENT.test(name)) {
        unusable.push(child);
        continue;
      }
      out.push(child);
      visit(child, depth + 1);
    }
  };
  visit('.', 0);
  return out;
}

// ---- aggregators ---------------------------------------------------------------

/** Member patterns of a workspace/aggregator manifest in `dir`, or null when it is not one. */
export function workspaceMembers(repo: RepoView, dir: string): string[] | null {
  const found: string[] = [];
  let isAggregator = false;
  const pkg = readJson(repo, joinRel(dir, 'package.json'));
  const ws = pkg?.workspaces;
  const wsList = Array.isArray(ws) ? ws : Array.isArray((ws as { packages?: unknown })?.packages) ? (ws as { packages: unknown[] }).packages : null;
  if (wsList) {
    isAggregator = true;
    found.push(...wsList.filter((p): p is string => typeof p === 'string'));
  }
  const pnpm = repo.read(joinRel(dir, 'pnpm-workspace.yaml'));
  if (pnpm !== null) {
    isAggregator = true;
    found.push(...[...pnpm.matchAll(/^\s*-\s*['"]?([^'"#\n]+?)['"]?\s*$/gm)].map((m) => m[1]!));
  }
  const lerna = readJson(repo, joinRel(dir, 'lerna.json'));
  if (lerna) {
    isAggregator = true;
    const pk = lerna.packages;
    found.push(...(Array.isArray(pk) ? pk.filter((p): p is string => typeof p === 'string') : ['packages/*']));
  }
  const gowork = repo.read(joinRel(dir, 'go.work'));
  if (gowork !== null) {
    isAggregator = true;
    // `use ./api` or a `use ( ./api ./worker )` block
    const uses = [...gowork.matchAll(/^\s*use\s+(?:\(([^)]*)\)|(\S+))/gm)].flatMap((m) => (m[1] ?? m[2]!).split(/\s+/));
    found.push(...uses.filter((u) => u && !u.startsWith('//')));
  }
  const pom = repo.read(joinRel(dir, 'pom.xml'));
  const modules = pom ? /<modules>([\s\S]*?)<\/modules>/.exec(pom.replace(/<!--[\s\S]*?-->/g, '')) : null;
  if (modules) {
    isAggregator = true;
    found.push(...[...modules[1]!.matchAll(/<module>\s*([^<\s]+)\s*<\/module>/g)].map((m) => m[1]!));
  }
  const cargo = repo.read(joinRel(dir, 'Cargo.toml'));
  const cargoWs = cargo ? /^\[workspace\]([\s\S]*?)(?=^\[(?!workspace)|(?![\s\S]))/m.exec(cargo) : null;
  if (cargoWs) {
    isAggregator = true;
    const list = /members\s*=\s*\[([\s\S]*?)\]/.exec(cargoWs[1]!);
    if (list) found.push(...[...list[1]!.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!));
  }
  for (const settings of ['settings.gradle', 'settings.gradle.kts']) {
    const text = repo.read(joinRel(dir, settings));
    if (text === null) continue;
    const includes = [...text.matchAll(/^\s*include\s*\(?([^)\n]*)\)?/gm)].flatMap((m) => [...m[1]!.matchAll(/["']:?([^"']+)["']/g)].map((x) => x[1]!.replace(/:/g, '/')));
    if (includes.length) {
      isAggregator = true;
      found.push(...includes);
    }
  }
  return isAggregator ? [...new Set(found.map((p) => p.trim()).filter(Boolean))] : null;
}

function readJson(repo: RepoView, file: string): Record<string, unknown> | null {
  const text = repo.read(file);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Glob ('packages/*', 'apps/**', './svc', '!x') to a test on a folder relative to the aggregator. */
function memberMatcher(patterns: string[]): (rel: string) => boolean {
  const toRe = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\.\//, '')
        .replace(/\/+$/, '')
        .split('/')
        .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
        .join('/')}$`,
    );
  const pos = patterns.filter((p) => !p.startsWith('!')).map(toRe);
  const neg = patterns.filter((p) => p.startsWith('!')).map((p) => toRe(p.slice(1)));
  return (rel) => pos.some((re) => re.test(rel)) && !neg.some((re) => re.test(rel));
}

// ---- discovery -----------------------------------------------------------------

/** Folders some detector matches, with their facts (first matching detector wins). */
export function findCandidates(repo: RepoView, detectors: LanguageDetector[] = LANGUAGE_DETECTORS, unusable: string[] = []): Candidate[] {
  const out: Candidate[] = [];
  for (const dir of listDirs(repo, MAX_DEPTH, unusable)) {
    const detector = detectors.find((d) => d.matches(repo, dir));
    const members = workspaceMembers(repo, dir);
    if (!detector && !members) continue;
    if (!detector) {
      // go.work or pnpm-workspace.yaml alone: an aggregator no detector claims. Keep it for membership only.
      out.push({ dir, detector: NO_DETECTOR, facts: EMPTY_FACTS, members });
      continue;
    }
    out.push({ dir, detector, facts: detector.detect(repo, dir), members });
  }
  return out;
}

const NO_DETECTOR: LanguageDetector = {
  language: 'static',
  matches: () => false,
  detect: () => EMPTY_FACTS,
};
const EMPTY_FACTS: LanguageFacts = { language: 'static', languageVersion: { value: '', source: 'default' }, dependencies: [], sourceFiles: [], library: true };

type Role = 'aggregator' | 'part' | 'unit';

/** Discover the service folders of a repository and name them. */
export function discoverServices(repo: RepoView, detectors: LanguageDetector[] = LANGUAGE_DETECTORS): Discovery {
  const warnings: string[] = [];
  const unusable: string[] = [];
  const all = findCandidates(repo, detectors, unusable).sort((a, b) => depthOf(a.dir) - depthOf(b.dir) || byCode(a.dir, b.dir));

  // Workspace members, whatever their depth. A member is a project of its own: a folder that
  // a glob such as `packages/**` reaches but that has no manifest (a source folder of a
  // member) is not one.
  const members = new Set<string>();
  for (const agg of all.filter((c) => c.members)) {
    const matches = memberMatcher(agg.members!);
    for (const c of all) {
      if (isUnder(c.dir, agg.dir) && matches(agg.dir === '.' ? c.dir : c.dir.slice(agg.dir.length + 1)) && manifestFiles(repo, c.dir).length > 0) members.add(c.dir);
    }
  }
  // Documentation folders only count as workspace members.
  const candidates = all.filter((c) => !inDocs(c.dir) || members.has(c.dir));
  const byDir = new Map(candidates.map((c) => [c.dir, c]));

  // Roles, top-down: a nested candidate without its own manifest is part of its parent.
  const role = new Map<string, Role>();
  const parentOf = new Map<string, string | null>();
  for (const c of candidates) {
    const parent = nearestAncestor(c.dir, (d) => role.get(d) === 'unit' || role.get(d) === 'aggregator');
    parentOf.set(c.dir, parent);
    if (c.members) role.set(c.dir, 'aggregator');
    else if (parent !== null && isPartOf(repo, c, byDir.get(parent)!, members)) role.set(c.dir, 'part');
    else role.set(c.dir, 'unit');
  }

  // Services, bottom-up: a folder with services below it is a service only if its own code is a server.
  const isService = new Map<string, boolean>();
  const hasServiceBelow = new Map<string, boolean>();
  for (const c of [...candidates].reverse()) {
    const r = role.get(c.dir)!;
    if (r === 'part') continue;
    const children = candidates.filter((k) => parentOf.get(k.dir) === c.dir && role.get(k.dir) !== 'part');
    const below = children.some((k) => isService.get(k.dir) || hasServiceBelow.get(k.dir));
    hasServiceBelow.set(c.dir, below);
    const runnable = c.facts.library !== true && c.detector !== NO_DETECTOR;
    let service: boolean;
    if (!runnable) service = false;
    else if (!below) service = r === 'unit' || hasStart(c.facts);
    else service = r === 'unit' && isOwnServer(repo, c, children.map((k) => k.dir));
    if (r === 'unit' && runnable && below && !service && hasStart(c.facts)) {
      warnings.push(`${c.dir}: has a start command but service folders below it; only the sub-folders are made services (add ${c.dir} by hand if it is one too)`);
    }
    isService.set(c.dir, service);
  }

  for (const dir of unusable)
    warnings.push(`${JSON.stringify(dir).slice(1, -1)}: not searched for services: its name holds characters other than letters, digits, '.', '_', '-', '@' and '+' (a space, a quote, a line break...), which the Dockerfile, Compose and shell outputs would read as syntax; rename the folder to containerize it`);
  const chosen = candidates.filter((c) => isService.get(c.dir));
  if (chosen.length === 0) warnings.push('No service found: no folder has a runnable app a language detector recognises');
  return { services: nameServices(repo, chosen, warnings), warnings };
}

/**
 * A nested candidate is part of its parent service when it has no manifest of its own
 * (it cannot be built on its own) and is either in the parent's language (a Python
 * package, a Go cmd/ folder) or static files (public/index.html). Workspace members
 * are always candidates of their own.
 */
function isPartOf(repo: RepoView, c: Candidate, parent: Candidate, members: Set<string>): boolean {
  if (parent.members || members.has(c.dir) || manifestFiles(repo, c.dir).length > 0) return false;
  return c.facts.language === parent.facts.language || c.facts.language === 'static';
}

function nearestAncestor(dir: string, test: (d: string) => boolean): string | null {
  let d = dir;
  while (d !== '.') {
    d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '.';
    if (test(d)) return d;
  }
  return null;
}

const hasStart = (facts: LanguageFacts): boolean => (facts.start?.value.length ?? 0) > 0;

/**
 * Does a folder that has service folders below it also run a server of its own?
 * Yes when its detector found a web framework, or its own code (not its children's) listens on a port.
 */
function isOwnServer(repo: RepoView, c: Candidate, childDirs: string[]): boolean {
  if (c.facts.worker) return false;
  if (c.facts.framework?.value && c.facts.framework.source !== 'default') return true;
  const own = codeFiles(c.facts.sourceFiles).filter((f) => !childDirs.some((d) => isUnder(f, d)));
  return scanCodePorts(repo, own, scanEnvReads(repo, own)).length > 0;
}

// ---- names ---------------------------------------------------------------------

/**
 * Names: the folder's basename as a DNS-1123 label; the root service takes the
 * app's name from its manifest (or the repository folder). A Spring Boot service in a folder
 * of its own is named by its `spring.application.name`: the name its peers call it by (a
 * config import of http://config-server:8888, a gateway route to lb://customers-service), and
 * so the hostname its Service must have. Clashes are settled
 * in path order: the first keeps the name, the next gets its parent folder as
 * a prefix (apps-api), then a number.
 */
function nameServices(repo: RepoView, chosen: Candidate[], warnings: string[] = []): DiscoveredService[] {
  const used = new Map<string, string>();
  const sorted = [...chosen].sort((a, b) => byCode(a.dir, b.dir));
  return sorted.map((c) => {
    const named = namingDir(c.dir);
    const fromManifest = named === '.' ? manifestName(repo, '.') : null;
    const spring = named !== '.' && c.facts.language === 'java' ? springSetting(repo, c.dir, ['spring', 'application', 'name']) : null;
    const fromSpring = spring && /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(spring.value) ? { value: spring.value, source: spring.source } : null;
    const base = fromManifest?.value ?? fromSpring?.value ?? toDnsLabel(named === '.' ? pathBasename(repo.root) : pathBasename(named), 'app');
    let name = base;
    if (used.has(name) && named.includes('/')) {
      const parent = named.split('/').slice(-2, -1)[0]!;
      name = toDnsLabel(`${parent}-${base}`);
    }
    for (let i = 2; used.has(name); i++) name = `${base.slice(0, 60)}-${i}`;
    if (name !== base)
      warnings.push(
        `${c.dir}: its name would be "${base}", which ${used.get(base) ?? 'another service'} already has (folder names become DNS labels: _ and - both give -); it is named "${name}". To choose names, rename a folder, or give the model in an answers file (--answers) with the services keyed by the names you want`,
      );
    used.set(name, c.dir);
    return { dir: c.dir, name, nameSource: fromManifest?.source ?? fromSpring?.source ?? (named === '.' ? 'default' : named), facts: c.facts };
  });
}

/** Folder names that say where code sits, not what it is: such a service is named after its parent (cartservice/src → cartservice). */
const GENERIC_DIRS = new Set(['src', 'source', 'sources', 'code']);

/** The folder whose name names the service in `dir`. */
function namingDir(dir: string): string {
  let d = dir;
  while (d !== '.' && GENERIC_DIRS.has(pathBasename(d).toLowerCase())) d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '.';
  return d;
}

/**
 * The application name a manifest in `dir` declares, as a DNS-1123 label:
 * package.json name (scope dropped), pyproject [project]/[tool.poetry] name,
 * Cargo [package] name, composer name (after the vendor), pom artifactId,
 * go.mod module (last path element), a .csproj/.sln file name.
 */
export function manifestName(repo: RepoView, dir: string): Fact<string> | null {
  const tryRe = (file: string, re: RegExp, pick: (m: RegExpExecArray) => string = (m) => m[1]!): Fact<string> | null => {
    const text = repo.read(joinRel(dir, file));
    if (text === null) return null;
    const m = re.exec(text);
    if (!m) return null;
    const label = toDnsLabel(pick(m), '');
    if (!label) return null;
    const upTo = text.slice(0, m.index + m[0].length);
    return { value: label, source: `${joinRel(dir, file)}:${upTo.split('\n').length}` };
  };
  return (
    tryRe('package.json', /"name"\s*:\s*"([^"]+)"/) ??
    tryRe('pyproject.toml', /^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"']+)["']/m) ??
    tryRe('Cargo.toml', /^\[package\][^[]*?^name\s*=\s*["']([^"']+)["']/m) ??
    tryRe('composer.json', /"name"\s*:\s*"(?:[^"/]+\/)?([^"]+)"/) ??
    pomName(repo, dir) ??
    tryRe('go.mod', /^module\s+(\S+)/m, (m) => m[1]!.split('/').filter((p) => !/^v\d+$/.test(p)).pop() ?? m[1]!) ??
    projectFileName(repo, dir)
  );
}

/** The pom's own artifactId (not its parent's or a dependency's). */
function pomName(repo: RepoView, dir: string): Fact<string> | null {
  const file = joinRel(dir, 'pom.xml');
  const text = repo.read(file);
  if (text === null) return null;
  // Blank out nested blocks but keep their newlines, so line numbers stay right.
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const own = text.replace(/<!--[\s\S]*?-->|<parent>[\s\S]*?<\/parent>|<dependencies>[\s\S]*?<\/dependencies>|<build>[\s\S]*?<\/build>|<dependencyManagement>[\s\S]*?<\/dependencyManagement>|<profiles>[\s\S]*?<\/profiles>/g, blank);
  const m = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(own);
  const label = m ? toDnsLabel(m[1]!, '') : '';
  return m && label ? { value: label, source: `${file}:${own.slice(0, m.index).split('\n').length}` } : null;
}

function projectFileName(repo: RepoView, dir: string): Fact<string> | null {
  const file = repo.list(dir).find((n) => /\.(sln|csproj|fsproj)$/.test(n));
  if (!file) return null;
  const label = toDnsLabel(file.replace(/\.(sln|csproj|fsproj)$/, ''), '');
  return label ? { value: label, source: joinRel(dir, file) } : null;
}
