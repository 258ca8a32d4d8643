/**
 * detectStack: the whole detection pipeline over a repository folder.
 *
 *   discover service folders -> each folder's LanguageFacts -> scan its files
 *   (port, env, health route, hostnames) -> backing services -> dependsOn,
 *   usedBy, public -> defaults -> app name and registry.
 *
 * The result is a Detection: the stack model plus, for every value, the
 * 'file:line' (or 'file', 'default', 'unknown') it came from. It is a pure
 * function of the files: same tree, same output, sorted everywhere.
 */
import { portInCommand } from '../model/commands.js';
import { basename } from 'node:path';
import { toDnsLabel } from '../model/kinds.js';
import { startFlag } from '../model/validate.js';
import { SCHEMA_VERSION, type BackingKind, type EnvVar, type StackModel } from '../model/types.js';
import { DEFAULT_VERSIONS, dependencySource, detectBacking, varKind, type BackingUse } from './backing.js';
import { metricsFromDependencies } from '../catalog/metrics.js';
import { commandEnvReads, dockerfileCommand } from './dockerfile.js';
import { discoverServices, manifestName, type DiscoveredService } from './discover.js';
import { openRepo, type RepoFs } from './repo.js';
import { procfileEntries, procfileProcesses } from './project.js';
import { detectExisting, toExisting } from './existing.js';
import { byCode, manifestFiles, scanService, type ServiceScan } from './scan.js';
import type { DetectedBacking, DetectedService, Detection, Fact, LanguageDetector, LanguageFacts, RepoView } from './types.js';

export interface DetectOptions {
  /** Application name; wins over the detected one. */
  name?: string;
  /** Image registry prefix; wins over the detected one. */
  registry?: string;
  /** Language detectors to use (tests); LANGUAGE_DETECTORS by default. */
  detectors?: LanguageDetector[];
  /** Paths the ledger says we generated (.containerize/ledger.json): never the user's own files. */
  ours?: ReadonlySet<string>;
  /** The disk as detection sees it (tests count reads through it); the real one by default. */
  fs?: RepoFs;
}

/** Frameworks whose output is a front end users open in a browser. */
const FRONTEND_FRAMEWORKS = new Set(['next', 'nuxt', 'vite', 'cra', 'create-react-app', 'react-scripts', 'angular', 'gatsby', 'astro', 'remix', 'sveltekit', 'svelte', 'vue', 'react']);
/** Service names that say "this is what users reach". */
const PUBLIC_NAMES = new Set(['web', 'frontend', 'ui', 'www', 'gateway', 'site']);

const UNKNOWN = 'unknown';
const DEFAULT = 'default';

/** Detect the application in `root`. */
export function detectStack(root: string, opts: DetectOptions = {}): Detection {
  const repo = openRepo(root, opts.fs);
  const warnings: string[] = [];
  const discovery = opts.detectors ? discoverServices(repo, opts.detectors) : discoverServices(repo);
  warnings.push(...discovery.warnings);

  const names = new Set(discovery.services.map((s) => s.name));
  const owners = discovery.services.map((svc) => draftService(repo, svc, names, warnings));
  // The other processes of each folder (a Celery worker, Sidekiq, a Procfile's release line): services of their own that run its image.
  const drafts = [...owners, ...owners.flatMap((d) => processDrafts(d, names, owners.length === 1))];
  const backing = mergeBacking(drafts, names, warnings);
  for (const d of drafts) linkDependencies(d, backing.rename);
  decidePublic(drafts, warnings);

  const services: Record<string, DetectedService> = {};
  for (const d of [...drafts].sort((a, b) => byCode(a.name, b.name))) services[d.name] = finish(d);
  for (const [svcName, svc] of Object.entries(services)) {
    // Node workspace members are built from the workspace root (buildContext in lib/model/derive.ts);
    // other languages are built from the service folder alone (docs/status.md, "Known limits").
    if (svc.lockfile?.startsWith('../') && svc.language !== 'node')
      warnings.push(`${svcName}: its lockfile ${svc.lockfile} is outside ${svc.path}; the image is built from ${svc.path} alone, so its install cannot use it (a monorepo build from the repository root is not generated yet)`);
  }

  const detectedBacking: Record<string, DetectedBacking> = {};
  for (const name of [...backing.entries.keys()].sort()) {
    const b = backing.entries.get(name)!;
    const usedBy = drafts.filter((d) => d.dependsOn.has(name)).map((d) => d.name).sort();
    detectedBacking[name] = { kind: b.kind, version: DEFAULT_VERSIONS[b.kind], usedBy, evidence: { kind: b.source, version: DEFAULT } };
  }

  // Files detection could not read: what they would have told is missing, and the user should know.
  const skipped = repo.skipped?.() ?? [];
  for (const f of skipped.slice(0, 10))
    warnings.push(
      /symbolic link/.test(f.reason)
        ? `${f.path}: not searched: ${f.reason}; a service there is not containerized (copy it into the repository to containerize it)`
        : `${f.path}: not read (${f.reason}); what it would tell (a manifest's dependencies, scripts and versions, code's env reads...) is missing from the detection: check the values above, or set them with --set`,
    );
  if (skipped.length > 10) warnings.push(`${skipped.length - 10} more files were not read (too large, binary, or outside the repository)`);

  const name = appName(repo, opts);
  const registry = registryOf(repo, opts);
  return {
    schemaVersion: SCHEMA_VERSION,
    name: name.value,
    registry: registry.value,
    services,
    backing: detectedBacking,
    existing: detectExisting(repo, opts.ours),
    evidence: { name: name.source, registry: registry.source },
    warnings: [...new Set(warnings)],
  };
}

/** The stack model of a detection: evidence, usedBy and warnings dropped, fields in model order. */
export function toModel(d: Detection): StackModel {
  const services: StackModel['services'] = {};
  for (const [name, s] of Object.entries(d.services)) {
    services[name] = {
      path: s.path,
      language: s.language,
      languageVersion: s.languageVersion,
      framework: s.framework,
      packageManager: s.packageManager,
      lockfile: s.lockfile,
      port: s.port,
      start: [...s.start],
      build: s.build,
      healthPath: s.healthPath,
      public: s.public,
      env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, { value: v.value, secret: v.secret }])),
      dependsOn: [...s.dependsOn],
      entry: s.entry,
      outputDir: s.outputDir,
      dockerfile: s.dockerfile,
      ...(s.linking ? { linking: s.linking } : {}),
      ...(s.imageFrom ? { imageFrom: s.imageFrom } : {}),
      ...(s.release ? { release: true } : {}),
      ...(s.metricsPath ? { metricsPath: s.metricsPath } : {}),
      ...(s.metricsPort ? { metricsPort: s.metricsPort } : {}),
    };
  }
  const backing: StackModel['backing'] = {};
  for (const [name, b] of Object.entries(d.backing)) backing[name] = { kind: b.kind, version: b.version };
  const existing = toExisting(d.existing ?? {});
  return { schemaVersion: d.schemaVersion, name: d.name, registry: d.registry, services, backing, ...(Object.keys(existing).length ? { existing } : {}) };
}

// ---- one service -----------------------------------------------------------------

/** A service while it is being assembled: facts decided so far plus what cross-service steps need. */
interface Draft {
  repo: RepoView;
  name: string;
  dir: string;
  facts: LanguageFacts;
  scan: ServiceScan;
  uses: BackingUse[];
  port: Fact<number | null>;
  start: Fact<string[]>;
  healthPath: Fact<string | null>;
  public: Fact<boolean>;
  /** name -> evidence */
  dependsOn: Map<string, string>;
  /** Another process of a folder: the service whose image it runs. */
  imageFrom?: string;
  release?: boolean;
}

/**
 * The drafts of a service's other processes (LanguageFacts.processes). Each runs the owner's
 * image, so it shares its folder, code, env and the backing services the code uses; it has its
 * own command, no health path, and a port only when its command serves one. Named after its
 * role (`worker`, `beat`, `release`) when the repository has a single service, else
 * `<service>-<role>`; a name already taken gets a number.
 */
function processDrafts(owner: Draft, names: Set<string>, single: boolean): Draft[] {
  const out: Draft[] = [];
  // Languages whose detector reads no Procfile (Go, Java, PHP, .NET, Rust): its lines other than web, as written.
  const list = owner.facts.processes ?? procfileProcesses(procfileEntries(owner.repo, owner.dir), 'web', (cmd) => (/[;&|<>`$]/.test(cmd) ? ['sh', '-c', cmd] : cmd.split(/\s+/).filter(Boolean)));
  for (const p of list) {
    const base = toDnsLabel(single ? p.name : `${owner.name}-${p.name}`, 'process');
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    out.push({
      ...owner,
      name,
      start: p.start,
      port: p.port,
      healthPath: byDefaultNull(),
      public: { value: false, source: DEFAULT },
      dependsOn: new Map(owner.dependsOn),
      imageFrom: owner.name,
      ...(p.release ? { release: true } : {}),
    });
  }
  return out;
}

function draftService(repo: RepoView, svc: DiscoveredService, allNames: Set<string>, warnings: string[]): Draft {
  const { dir, name } = svc;
  // No start command from the language detector: the command of the Dockerfile the project ships, if any.
  const needsStart = !svc.facts.start?.value.length && svc.facts.language !== 'static' && !svc.facts.outputDir?.value;
  const fromDockerfile = needsStart ? dockerfileCommand(repo, dir) : null;
  const facts: LanguageFacts = fromDockerfile ? { ...svc.facts, start: fromDockerfile } : svc.facts;
  const commandReads = fromDockerfile ? commandEnvReads(fromDockerfile.value).map((r) => ({ ...r, source: fromDockerfile.source })) : [];
  const scan = scanService(repo, dir, facts.sourceFiles, facts.entry?.value ?? null, commandReads, name);
  warnings.push(...scan.warnings);
  const { uses, warnings: backingWarnings } = detectBacking(repo, {
    service: name,
    dir,
    language: facts.language,
    dependencies: facts.dependencies,
    dependencyDirs: facts.dependencyDirs,
    sourceFiles: facts.sourceFiles,
    reads: scan.reads,
    env: scan.env,
  });
  warnings.push(...backingWarnings);

  const port = decidePort(facts, scan, name, warnings);
  const start = decideStart(facts, name, warnings);
  const healthPath: Fact<string | null> =
    port.value === null ? byDefaultNull() : (scan.healthPath ?? (facts.healthPath?.value ? facts.healthPath : byDefaultNull()));

  // Other services this one calls by hostname (http://api:8000, API_HOST=api), or through a
  // variable named after one (CART_SERVICE_ADDR → cartservice, IDENTITY_URL → identity-api).
  const dependsOn = new Map<string, string>();
  for (const h of scan.hosts) if (h.host !== name && allNames.has(h.host) && !dependsOn.has(h.host)) dependsOn.set(h.host, h.source);
  for (const r of scan.reads) {
    const target = serviceNamedBy(r.name, allNames);
    if (target && target !== name && !dependsOn.has(target)) dependsOn.set(target, r.source);
  }

  return { repo, name, dir, facts, scan, uses, port, start, healthPath, public: { value: false, source: DEFAULT }, dependsOn };
}

const byDefaultNull = (): Fact<null> => ({ value: null, source: DEFAULT });

/** What a name says, without the words that only say "a service" (cartservice → cart, identity-api → identity). */
const canonical = (s: string): string => {
  const flat = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const bare = flat.replace(/(service|svc|api|server)$/, '');
  return bare || flat;
};

/**
 * The service a location variable is named after: PRODUCT_CATALOG_SERVICE_ADDR names
 * productcatalogservice, FRONTEND_ADDR frontend, Identity__Url identity-api. Variables of a
 * backing kind (REDIS_URL) are the backing services' business.
 */
export function serviceNamedBy(envName: string, serviceNames: Set<string>): string | null {
  const words = envName.split(/_+/).filter(Boolean);
  const last = (words[words.length - 1] ?? '').toUpperCase();
  if (words.length < 2 || !LOCATION_WORDS.has(last) || varKind(envName.toUpperCase())) return null;
  const stem = canonical(words.slice(0, -1).join(''));
  if (stem.length < 2) return null;
  const matches = [...serviceNames].filter((n) => canonical(n) === stem);
  return matches.length === 1 ? matches[0]! : null;
}
const LOCATION_WORDS = new Set(['HOST', 'HOSTNAME', 'URL', 'URI', 'ADDR', 'ADDRESS', 'ENDPOINT', 'BASEURL']);

/**
 * The port, strongest source first:
 *   1. a port in the start command (it is what the container runs: gunicorn --bind 0.0.0.0:8000);
 *   2. a port in code (app.listen(3000), process.env.PORT || 3000, ListenAndServe(":8080"));
 *   3. a port in config files (Procfile, application.properties, .env, Dockerfile EXPOSE);
 *   4. the language detector's framework convention.
 * Workers have none. Static sites and static builds are served by a web server whose
 * port the detector knows, so code ports (a dev server's) do not apply to them.
 */
function decidePort(facts: LanguageFacts, scan: ServiceScan, name: string, warnings: string[]): Fact<number | null> {
  if (facts.worker) return facts.port?.value === null ? facts.port : { value: null, source: facts.start?.source ?? DEFAULT };
  const staticSite = facts.language === 'static' || Boolean(facts.outputDir?.value);
  const fromStart = facts.start ? startCommandPort(facts.start) : null;
  if (fromStart) {
    if (scan.port?.strength === 'code' && scan.port.value !== fromStart.value && !staticSite) {
      warnings.push(`${name}: the code listens on ${scan.port.value} (${scan.port.source}) but the start command serves on ${fromStart.value}; using ${fromStart.value}`);
    }
    // When the detector put its own port into the command, its evidence says where that port came from.
    return facts.port?.value === fromStart.value ? (facts.port as Fact<number>) : fromStart;
  }
  if (!staticSite && scan.port) return { value: scan.port.value, source: scan.port.source };
  if (facts.port && facts.port.value !== null) return facts.port;
  if (staticSite && scan.port) return { value: scan.port.value, source: scan.port.source };
  warnings.push(`${name}: no listening port found in code, config or conventions; treated as a worker (set ${name}.port if it serves traffic)`);
  return { value: null, source: UNKNOWN };
}

/**
 * The start command. Static sites and static builds need none (a web server serves
 * their files); anything else without one is unknown: evidence 'unknown' and a warning.
 */
function decideStart(facts: LanguageFacts, name: string, warnings: string[]): Fact<string[]> {
  if (facts.start && facts.start.value.length > 0) return facts.start;
  if (facts.language === 'static' || facts.outputDir?.value) return facts.start ?? { value: [], source: DEFAULT };
  warnings.push(`${name}: could not tell how to start it; set ${name}.start (${startFlag(name, facts.language)})`);
  return { value: [], source: UNKNOWN };
}

/** A port given in an exec-form start command, with the command's evidence (see portInCommand). */
export function startCommandPort(start: Fact<string[]>): Fact<number> | null {
  const port = portInCommand(start.value);
  return port === null ? null : { value: port, source: start.source };
}

/** Fill the model fields of a draft, with evidence for every one. */
function finish(d: Draft): DetectedService {
  const f = d.facts;
  const ev: Record<string, string> = {};
  const take = <T>(field: string, x: Fact<T>): T => {
    ev[field] = x.source;
    return x.value;
  };
  const orNull = <T>(x: Fact<T | null> | undefined): Fact<T | null> => x ?? byDefaultNull();
  // The file that makes the folder a service: its manifest, else its index.html or first source file.
  const where = manifestFiles(d.repo, d.dir)[0] ?? f.sourceFiles.find((x) => /(^|\/)index\.html?$/.test(x)) ?? f.sourceFiles[0] ?? d.dir;

  const path = take('path', { value: d.dir, source: where });
  const language = take('language', { value: f.language, source: where });
  const languageVersion = take('languageVersion', f.languageVersion);
  const framework = take('framework', orNull(f.framework));
  const packageManager = take('packageManager', orNull(f.packageManager));
  const lockfile = take('lockfile', orNull(f.lockfile));
  const port = take('port', d.port);
  const start = take('start', d.start);
  const build = take('build', orNull(f.build));
  const healthPath = take('healthPath', d.healthPath);
  const isPublic = take('public', d.public);

  const env: Record<string, EnvVar> = {};
  const envNames = Object.keys(d.scan.env).sort();
  for (const name of envNames) {
    const e = d.scan.env[name]!;
    env[name] = { value: e.secret ? null : e.value, secret: e.secret };
    ev[`env.${name}`] = e.source;
  }
  ev.env = envNames.length ? d.scan.env[envNames[0]!]!.source : DEFAULT;

  const dependsOn = [...d.dependsOn.keys()].sort();
  ev.dependsOn = dependsOn.length ? d.dependsOn.get(dependsOn[0]!)! : DEFAULT;
  for (const dep of dependsOn) ev[`dependsOn.${dep}`] = d.dependsOn.get(dep)!;

  const entry = take('entry', orNull(f.entry));
  const outputDir = take('outputDir', orNull(f.outputDir));
  const dockerfile = take('dockerfile', existingDockerfile(d.repo, d.dir));
  // A Prometheus client library: metrics at its conventional path, on the service's port.
  const metrics = port === null ? null : metricsFromDependencies(language, framework, f.dependencies);
  if (metrics) ev.metricsPath = dependencySource(d.repo, d.dir, metrics.dependency);
  const linking = f.linking ? take('linking', f.linking) : undefined;

  if (d.imageFrom) ev.imageFrom = d.start.source;
  if (d.release) ev.release = d.start.source;
  return {
    path,
    language,
    languageVersion,
    framework,
    packageManager,
    lockfile,
    port,
    start,
    build,
    healthPath,
    public: isPublic,
    env,
    dependsOn,
    entry,
    outputDir,
    dockerfile,
    ...(linking ? { linking } : {}),
    ...(d.imageFrom ? { imageFrom: d.imageFrom } : {}),
    ...(d.release ? { release: true } : {}),
    ...(metrics ? { metricsPath: metrics.path } : {}),
    evidence: Object.fromEntries(Object.entries(ev).sort(([a], [b]) => byCode(a, b))),
  };
}

/** A Dockerfile the user already has in the service folder (repo-relative path), else null. */
function existingDockerfile(repo: RepoView, dir: string): Fact<string | null> {
  const file = ['Dockerfile', 'Containerfile'].map((n) => (dir === '.' ? n : `${dir}/${n}`)).find((f) => repo.exists(f) && !repo.isDir(f));
  return file ? { value: file, source: file } : byDefaultNull();
}

// ---- across services -------------------------------------------------------------

interface BackingEntry {
  kind: BackingKind;
  source: string;
}

/**
 * One backing service per hostname. Two services naming the same host share it;
 * a host used for two kinds, or equal to a service's name, is renamed (with a warning).
 * Returns the entries and, per service, the final name of each of its uses.
 */
function mergeBacking(drafts: Draft[], serviceNames: Set<string>, warnings: string[]) {
  const entries = new Map<string, BackingEntry>();
  const rename = new Map<Draft, Map<BackingUse, string>>();
  // A use whose host nothing named is the same server as the one host the other services
  // name for that kind (the worker reads PGHOST, the web app postgres://db/app: one database, "db").
  const namedHosts = new Map<BackingKind, Set<string>>();
  for (const d of drafts) for (const u of d.uses) if (u.named) namedHosts.set(u.kind, (namedHosts.get(u.kind) ?? new Set()).add(u.name));
  const ordered = [...drafts].sort((a, b) => byCode(a.name, b.name));
  // Named uses first, so an unnamed one joins the entry they created.
  const passes = [(u: BackingUse) => u.named, (u: BackingUse) => !u.named];
  for (const pass of passes) for (const d of ordered) {
    const mine = rename.get(d) ?? new Map<BackingUse, string>();
    for (const use of d.uses.filter(pass)) {
      const only = namedHosts.get(use.kind);
      let name = !use.named && only?.size === 1 ? [...only][0]! : use.name;
      if (!use.named && only?.size === 1 && entries.has(name) && entries.get(name)!.kind === use.kind) {
        mine.set(use, name);
        continue;
      }
      const clash = (n: string) => serviceNames.has(n) || (entries.has(n) && entries.get(n)!.kind !== use.kind);
      if (clash(name)) {
        const alt = [use.kind, `${use.name}-${use.kind}`].find((n) => !clash(n)) ?? `${use.name}-${use.kind}-2`;
        warnings.push(`${d.name}: the ${use.kind} host "${use.name}" is already ${serviceNames.has(use.name) ? 'a service' : `a ${entries.get(use.name)!.kind} service`}; naming it "${alt}"`);
        name = alt;
      }
      if (!entries.has(name)) entries.set(name, { kind: use.kind, source: use.source });
      mine.set(use, name);
    }
    rename.set(d, mine);
  }
  return { entries, rename };
}

function linkDependencies(d: Draft, rename: Map<Draft, Map<BackingUse, string>>): void {
  for (const use of d.uses) {
    const name = rename.get(d)?.get(use) ?? use.name;
    if (!d.dependsOn.has(name)) d.dependsOn.set(name, use.source);
  }
}

/**
 * Public services: static sites, front-end frameworks and services named like a
 * front door (web, frontend, ui, www, gateway, site); failing those, the only
 * service with a port. Workers and port-less services never are.
 */
function decidePublic(drafts: Draft[], warnings: string[]): void {
  for (const d of drafts) {
    if (d.port.value === null) continue;
    const fw = d.facts.framework?.value ?? null;
    if (d.facts.language === 'static') d.public = { value: true, source: d.facts.outputDir?.source ?? d.facts.sourceFiles[0] ?? d.dir };
    else if (fw && FRONTEND_FRAMEWORKS.has(fw)) d.public = { value: true, source: d.facts.framework!.source };
    else if (PUBLIC_NAMES.has(d.name)) d.public = { value: true, source: d.dir };
  }
  // Public services are published on their own port: two on one port cannot both be. The one
  // named like a front door, else one outside a docs folder, else the first by name, stays public.
  const published = new Map<number, string>();
  const rank = (d: Draft) => (PUBLIC_NAMES.has(d.name) ? 0 : 1) * 2 + (d.dir.split('/').some((p) => p === 'docs' || p === 'doc') ? 1 : 0);
  for (const d of [...drafts].sort((a, b) => rank(a) - rank(b) || byCode(a.name, b.name))) {
    if (!d.public.value || d.port.value === null) continue;
    const other = published.get(d.port.value);
    if (other) {
      warnings.push(`${other} and ${d.name} would both be public on port ${d.port.value}; ${d.name} is made private (set ${d.name}.public=true and give it another port to publish it too)`);
      d.public = { value: false, source: DEFAULT };
    } else published.set(d.port.value, d.name);
  }
  if (drafts.some((d) => d.public.value)) return;
  const withPort = drafts.filter((d) => d.port.value !== null);
  if (withPort.length === 1) withPort[0]!.public = { value: true, source: withPort[0]!.port.source };
  else if (withPort.length > 1) warnings.push(`No service looks public (none is a front end or named web/frontend/gateway...); set public on the one users reach`);
}

// ---- app name and registry ---------------------------------------------------------

function appName(repo: RepoView, opts: DetectOptions): Fact<string> {
  if (opts.name) return { value: opts.name, source: 'option' };
  return manifestName(repo, '.') ?? { value: toDnsLabel(basename(repo.root), 'app'), source: DEFAULT };
}

/** opts.registry, else ghcr.io/<owner> for a GitHub origin remote, else localhost (images localhost/<name>-<service>). */
function registryOf(repo: RepoView, opts: DetectOptions): Fact<string> {
  if (opts.registry) return { value: opts.registry, source: 'option' };
  const text = repo.read('.git/config');
  if (text) {
    const lines = text.split('\n');
    let inOrigin = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const section = /^\s*\[(.*)\]\s*$/.exec(line);
      if (section) {
        inOrigin = /^remote\s+"origin"$/.test(section[1]!.trim());
        continue;
      }
      const url = inOrigin ? /^\s*url\s*=\s*(\S+)/.exec(line) : null;
      const owner = url ? /github\.com[:/]([A-Za-z0-9-]+)\//.exec(url[1]!) : null;
      if (owner) return { value: `ghcr.io/${owner[1]!.toLowerCase()}`, source: `.git/config:${i + 1}` };
    }
  }
  return { value: 'localhost', source: DEFAULT };
}
