/**
 * .NET (C# / F#) detector.
 *
 * Conventions (the Dockerfile renderer relies on them):
 * - Build stage: `dotnet publish <Project>.csproj -c Release -o /app/publish` on the
 *   `mcr.microsoft.com/dotnet/sdk:<languageVersion>` image; the runtime stage
 *   (`aspnet:<v>` for ASP.NET Core, `runtime:<v>` otherwise) copies /app/publish to
 *   its WORKDIR /app, where `start = ['dotnet', '<AssemblyName>.dll']` runs.
 * - `entry` is the project file name, relative to the service folder.
 * - Port: an http URL in appsettings.json (`Urls`, `HTTP_PORTS`, or Kestrel `Endpoints:*:Url`),
 *   else the `http` profile of Properties/launchSettings.json (what `dotnet run` uses: often the
 *   only place a project states its port; the image is told to listen there through
 *   ASPNETCORE_HTTP_PORTS), else what ASP.NET Core 8+ images listen on, 8080 (80 before 8).
 * - Sdk="Microsoft.NET.Sdk.Web" (or a FrameworkReference to Microsoft.AspNetCore.App) →
 *   'aspnetcore'; Sdk="Microsoft.NET.Sdk.Worker" → 'worker' (worker: true); a console
 *   Exe is a worker with framework null; a class library or test project is a library.
 * - A folder with a solution file and no project file is an aggregator (library: true);
 *   its projects are services in their own folders.
 */
import { parseJsonc } from '../../detect/project.js';
import { joinRel } from '../../detect/repo.js';
import { byDefault, fact } from '../../detect/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
const DEFAULT_DOTNET = defaultLanguageVersion('dotnet');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const DOTNET = vocabulary(['aspnetcore', 'worker'] as const, ['dotnet'] as const);
export type DotnetFramework = (typeof DOTNET.frameworks)[number];
export const { framework: dotnetFramework, packageManager: dotnetPackageManager } = DOTNET;
const ENV_AND_DOCKER = ['.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
const PROJECT_RE = /\.(csproj|fsproj)$/;
const SOLUTION_RE = /\.slnx?$/;

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const uniq = (xs: string[]): string[] => [...new Set(xs)];
/** The parent folder of a repo-relative folder ('.' stays '.'). */
const up = (d: string): string => (d === '.' || !d.includes('/') ? '.' : d.slice(0, d.lastIndexOf('/')));
const parentOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');

interface Project {
  file: string;
  text: string;
  sdk: string;
}

function readProject(repo: RepoView, file: string): Project {
  const text = (repo.read(file) ?? '').replace(/<!--[\s\S]*?-->/g, '');
  const sdk =
    /<Project\b[^>]*\bSdk\s*=\s*"([^"]+)"/.exec(text)?.[1] ??
    /<Sdk\s+Name\s*=\s*"([^"]+)"/.exec(text)?.[1] ??
    /<Import\b[^>]*\bSdk\s*=\s*"([^"]+)"/.exec(text)?.[1] ??
    'Microsoft.NET.Sdk';
  return { file, text, sdk: sdk.split('/')[0]!.trim() };
}

/** The nearest Directory.Build.props at or above `dir` (MSBuild imports the first one found). */
function buildProps(repo: RepoView, dir: string): string | null {
  for (let d = dir; ; d = up(d)) {
    const f = joinRel(d, 'Directory.Build.props');
    if (repo.exists(f)) return f;
    if (d === '.') return null;
  }
}

/** A property from the project, then Directory.Build.props, with $(Other) references resolved. Source: 'file:line'. */
function property(repo: RepoView, project: Project, props: string | null, name: string, depth = 0): { value: string; source: string } | null {
  const re = new RegExp(`<${esc(name)}(?:\\s[^>]*)?>\\s*([^<]*?)\\s*</${esc(name)}>`);
  for (const [file, text] of [[project.file, project.text], [props, props ? repo.read(props) : null]] as const) {
    if (!file || !text) continue;
    const m = re.exec(text.replace(/<!--[\s\S]*?-->/g, ''));
    if (!m) continue;
    const ref = /^\$\(([\w.]+)\)$/.exec(m[1]!);
    if (ref && depth < 5) return property(repo, project, props, ref[1]!, depth + 1);
    return { value: m[1]!, source: repo.locate(file, new RegExp(`<${esc(name)}[\\s>]`)) ?? file };
  }
  return null;
}

/** 'net8.0' → '8.0', 'net8.0-windows' → '8.0', 'netcoreapp3.1' → '3.1'; null for netstandard / .NET Framework. */
function tfmVersion(tfm: string): string | null {
  const m = /^net(?:coreapp)?(\d+)\.(\d+)/.exec(tfm.trim());
  return m && Number(m[1]) >= 1 && Number(m[1]) < 40 ? `${m[1]}.${m[2]}` : null;
}
const versionKey = (v: string): number => Number(v.split('.')[0]) * 1000 + Number(v.split('.')[1]);

function globalJsonVersion(repo: RepoView, dir: string): Fact<string> | null {
  for (let d = dir; ; d = up(d)) {
    const f = joinRel(d, 'global.json');
    const text = repo.read(f);
    if (text !== null) {
      const m = /"version"\s*:\s*"(\d+)\.(\d+)/.exec(text);
      if (m) return fact(`${m[1]}.${m[2]}`, repo.locate(f, /"version"\s*:/) ?? f);
    }
    if (d === '.') return null;
  }
}

/** The port of an `http://host:port` URL, or null (https, no port, a template). */
const httpPort = (url: string): number | null => {
  const m = /^http:\/\/[^/:]*:(\d{2,5})\b/.exec(url.trim());
  return m ? Number(m[1]) : null;
};

/** 'file:line' of the first line of `file` holding `needle` (after the line holding `after`, if given). */
function lineOf(repo: RepoView, file: string, needle: string, after?: string): string {
  const lines = (repo.read(file) ?? '').split('\n');
  const from = after ? Math.max(0, lines.findIndex((l) => l.includes(after))) : 0;
  const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
  return i < 0 ? file : `${file}:${i + 1}`;
}

/**
 * The port appsettings.json gives Kestrel: the top-level `Urls` (or `HTTP_PORTS`), else the
 * first http endpoint under `Kestrel:Endpoints`. Other `Url` keys (the address of an identity
 * server, a callback) are other services' addresses, never this one's.
 */
function appsettingsPort(repo: RepoView, dir: string): Fact<number> | null {
  const file = joinRel(dir, 'appsettings.json');
  const json = parseJsonc(repo.read(file));
  if (!json) return null;
  const key = (o: unknown, name: string): unknown =>
    o && typeof o === 'object' ? Object.entries(o as Record<string, unknown>).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] : undefined;
  const urls = key(json, 'Urls');
  if (typeof urls === 'string') {
    for (const url of urls.split(';')) {
      const p = httpPort(url);
      if (p) return fact(p, lineOf(repo, file, url.trim()));
    }
  }
  const ports = key(json, 'HTTP_PORTS');
  if (typeof ports === 'string' || typeof ports === 'number') {
    const p = Number(String(ports).split(';')[0]);
    if (p > 0 && p < 65536) return fact(p, lineOf(repo, file, 'HTTP_PORTS'));
  }
  const endpoints = key(key(json, 'Kestrel'), 'Endpoints');
  if (endpoints && typeof endpoints === 'object') {
    for (const endpoint of Object.values(endpoints as Record<string, unknown>)) {
      const url = key(endpoint, 'Url');
      const p = typeof url === 'string' ? httpPort(url) : null;
      if (p) return fact(p, lineOf(repo, file, url as string, '"Kestrel"'));
    }
  }
  return null;
}

/**
 * The port `dotnet run` serves on, from Properties/launchSettings.json: the profile named
 * `http`, else the first profile that runs the project; its first http:// applicationUrl (or
 * an ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS it sets). IIS Express settings are not this app's.
 * It is the only place many projects state their port; the image runs on it
 * (ASPNETCORE_HTTP_PORTS is set to the model's port).
 */
function launchSettingsPort(repo: RepoView, dir: string): Fact<number> | null {
  const file = joinRel(dir, 'Properties/launchSettings.json');
  const json = parseJsonc(repo.read(file));
  const profiles = json?.profiles;
  if (!profiles || typeof profiles !== 'object') return null;
  const entries = Object.entries(profiles as Record<string, Record<string, unknown>>).filter(([, p]) => p && p.commandName === 'Project');
  const ordered = [...entries.filter(([n]) => n.toLowerCase() === 'http'), ...entries.filter(([n]) => n.toLowerCase() !== 'http')];
  for (const [name, profile] of ordered) {
    const env = (profile.environmentVariables ?? {}) as Record<string, unknown>;
    const candidates: [string | undefined, string][] = [
      [typeof profile.applicationUrl === 'string' ? profile.applicationUrl : undefined, '"applicationUrl"'],
      [typeof env.ASPNETCORE_URLS === 'string' ? env.ASPNETCORE_URLS : undefined, '"ASPNETCORE_URLS"'],
    ];
    for (const [value, needle] of candidates) {
      for (const url of value?.split(';') ?? []) {
        const p = httpPort(url);
        if (p) return fact(p, lineOf(repo, file, needle, `"${name}"`));
      }
    }
    const httpPorts = Number(String(env.ASPNETCORE_HTTP_PORTS ?? '').split(';')[0]);
    if (httpPorts > 0 && httpPorts < 65536) return fact(httpPorts, lineOf(repo, file, '"ASPNETCORE_HTTP_PORTS"', `"${name}"`));
  }
  return null;
}

const packageReferences = (text: string): string[] => [...text.matchAll(/<PackageReference\s+[^>]*?\bInclude\s*=\s*"([^"]+)"/g)].map((m) => m[1]!);

/** PackageReferences of the projects `file` references, transitively (each project once). */
function referencedPackages(repo: RepoView, file: string, seen = new Set<string>([file])): string[] {
  const text = (repo.read(file) ?? '').replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/<ProjectReference\s+[^>]*?\bInclude\s*=\s*"([^"]+)"/g)) {
    const target = resolvePath(parentOf(file), m[1]!.replace(/\\/g, '/'));
    if (!target || seen.has(target) || !repo.exists(target)) continue;
    seen.add(target);
    out.push(...packageReferences((repo.read(target) ?? '').replace(/<!--[\s\S]*?-->/g, '')), ...referencedPackages(repo, target, seen));
  }
  return out;
}

/** `rel` resolved against the folder `base` ('..' allowed), or null when it leaves the repository. */
function resolvePath(base: string, rel: string): string | null {
  const out: string[] = base === '.' ? [] : base.split('/');
  for (const part of rel.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') {
      if (!out.length) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/') || null;
}

/** The target frameworks a project names (['none'] when none is literal). */
function targetFrameworks(tf: { value: string } | null, tfs: { value: string } | null): string[] {
  const list = [tf?.value ?? '', ...(tfs?.value.split(';') ?? [])].map((t) => t.trim()).filter((t) => t && !t.includes('$('));
  return list.length ? list : ['none'];
}

function projectRank(p: Project): number {
  if (p.sdk === 'Microsoft.NET.Sdk.Web') return 3;
  if (p.sdk === 'Microsoft.NET.Sdk.Worker') return 2;
  if (/<OutputType>\s*(Exe|WinExe)\s*</i.test(p.text)) return 1;
  return 0;
}

export const dotnetDetector: LanguageDetector = {
  language: 'dotnet',
  matches: (repo, dir) => repo.list(dir).some((n) => (PROJECT_RE.test(n) || SOLUTION_RE.test(n)) && !repo.isDir(joinRel(dir, n))),
  detect(repo, dir) {
    const rel = (f: string) => joinRel(dir, f);
    const names = repo.list(dir).filter((n) => !repo.isDir(rel(n)));
    const extra = ENV_AND_DOCKER.map(rel).filter((f) => repo.exists(f));
    const projects = names
      .filter((n) => PROJECT_RE.test(n))
      .map((n) => readProject(repo, rel(n)))
      .sort((a, b) => projectRank(b) - projectRank(a) || a.file.localeCompare(b.file));

    if (projects.length === 0) {
      // A solution alone: an aggregator whose projects live in their own folders.
      const sln = names.find((n) => SOLUTION_RE.test(n))!;
      const meta = ['global.json', 'Directory.Build.props', 'Directory.Packages.props'].map(rel).filter((f) => repo.exists(f));
      return {
        language: 'dotnet',
        languageVersion: globalJsonVersion(repo, dir) ?? byDefault(DEFAULT_DOTNET),
        framework: byDefault(null),
        packageManager: fact('dotnet', rel(sln)),
        lockfile: byDefault(null),
        build: byDefault(null),
        entry: fact(sln, rel(sln)),
        dependencies: [],
        sourceFiles: uniq([rel(sln), ...meta, ...extra]),
        library: true,
      };
    }

    const project = projects[0]!;
    const projectName = project.file.split('/').pop()!;
    const props = buildProps(repo, dir);
    const prop = (name: string) => property(repo, project, props, name);

    // Version: TargetFramework, the highest of TargetFrameworks, then global.json.
    let languageVersion: Fact<string> = globalJsonVersion(repo, dir) ?? byDefault(DEFAULT_DOTNET);
    const tf = prop('TargetFramework');
    const tfs = prop('TargetFrameworks');
    const tfVersion = tf ? tfmVersion(tf.value) : null;
    const tfsVersions = tfs ? tfs.value.split(';').map(tfmVersion).filter((v): v is string => v !== null) : [];
    // A multi-targeting project must be published for one framework: the highest.
    let publishFramework = '';
    if (tfVersion) languageVersion = fact(tfVersion, tf!.source);
    else if (tfsVersions.length) {
      const highest = tfsVersions.sort((a, b) => versionKey(b) - versionKey(a))[0]!;
      languageVersion = fact(highest, tfs!.source);
      publishFramework = ` -f ${tfs!.value.split(';').map((t) => t.trim()).find((t) => tfmVersion(t) === highest)}`;
    }

    const sdkSource = repo.locate(project.file, new RegExp(`"${esc(project.sdk)}["/]`)) ?? project.file;
    const aspnetRef = repo.locate(project.file, /<FrameworkReference\s+Include\s*=\s*"Microsoft\.AspNetCore\.App"/);
    let framework: Fact<string | null> = byDefault(null);
    if (project.sdk === 'Microsoft.NET.Sdk.Web') framework = fact('aspnetcore', sdkSource);
    else if (project.sdk === 'Microsoft.NET.Sdk.Worker') framework = fact('worker', sdkSource);
    else if (aspnetRef) framework = fact('aspnetcore', aspnetRef);

    const packages = packageReferences(project.text);
    // Packages of the projects it references run in its process too (a shared event-bus project's RabbitMQ client).
    const referenced = referencedPackages(repo, project.file);
    const outputType = prop('OutputType');
    const isTest =
      /^true$/i.test(prop('IsTestProject')?.value ?? '') || packages.includes('Microsoft.NET.Test.Sdk');
    const exe = outputType ? /^(Exe|WinExe)$/i.test(outputType.value) : project.sdk !== 'Microsoft.NET.Sdk' && project.sdk !== 'Microsoft.NET.Sdk.Razor';
    // Apps that run on a device (MAUI, WPF, Windows Forms, WinExe, mobile target frameworks) and the
    // Aspire AppHost, which orchestrates the other projects on a developer machine, are not services.
    const deviceApp =
      /^true$/i.test(prop('UseMaui')?.value ?? '') ||
      /^true$/i.test(prop('UseWPF')?.value ?? '') ||
      /^true$/i.test(prop('UseWindowsForms')?.value ?? '') ||
      /^WinExe$/i.test(outputType?.value ?? '') ||
      targetFrameworks(tf, tfs).every((t) => /-(android|ios|maccatalyst|tizen)/.test(t));
    const appHost = /^Aspire\.AppHost\.Sdk$/i.test(project.sdk) || /^true$/i.test(prop('IsAspireHost')?.value ?? '');
    const library = isTest || !exe || deviceApp || appHost;

    // Source files: code of this project only (nested folders with their own project are other projects).
    const nestedProjects = repo
      .walk(dir, { extensions: ['.csproj', '.fsproj'] })
      .map(parentOf)
      .filter((d) => d !== dir && d !== '.');
    const code = repo
      .walk(dir, { extensions: ['.cs', '.fs'] })
      .filter((f) => !nestedProjects.some((d) => f.startsWith(`${d}/`)));
    const settings = names.filter((n) => /^appsettings(\.[\w-]+)?\.json$/i.test(n)).map(rel);
    const meta = [props, ...['global.json', 'Directory.Packages.props'].map(rel)].filter((f): f is string => !!f && repo.exists(f));

    const lock = rel('packages.lock.json');
    const assembly = prop('AssemblyName');
    const assemblyName = assembly?.value || projectName.replace(PROJECT_RE, '');
    const facts: LanguageFacts = {
      language: 'dotnet',
      languageVersion,
      framework,
      packageManager: fact('dotnet', project.file),
      lockfile: repo.exists(lock) ? fact('packages.lock.json', lock) : byDefault(null),
      build: fact(`dotnet publish ${projectName} -c Release${publishFramework} -o /app/publish`, publishFramework ? tfs!.source : project.file),
      entry: fact(projectName, project.file),
      start: fact(['dotnet', `${assemblyName}.dll`], assembly?.source ?? project.file),
      dependencies: uniq([...packages, ...referenced]),
      sourceFiles: uniq([...code, project.file, ...settings, ...meta, ...extra]),
    };
    if (library) {
      facts.library = true;
      return facts;
    }
    if (framework.value === 'aspnetcore') {
      const major = Number(languageVersion.value.split('.')[0]);
      facts.port = appsettingsPort(repo, dir) ?? launchSettingsPort(repo, dir) ?? byDefault(major >= 8 ? 8080 : 80);
      for (const f of code) {
        const loc = repo.locate(f, /MapHealthChecks\s*\(\s*"[^"]+"/);
        if (!loc) continue;
        const line = (repo.read(f) ?? '').split('\n')[Number(loc.split(':').pop()) - 1]!;
        facts.healthPath = fact(/MapHealthChecks\s*\(\s*"([^"]+)"/.exec(line)![1]!, loc);
        break;
      }
    } else {
      facts.worker = true;
      facts.port = fact(null, framework.value === 'worker' ? framework.source : project.file);
    }
    return facts;
  },
};
