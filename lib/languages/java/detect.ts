/**
 * Java (Maven / Gradle) detector.
 *
 * Conventions (the Dockerfile renderer relies on them):
 * - The build stage runs `build` in the service folder and produces ONE runnable jar,
 *   named by `entry` (a path or a glob relative to the service folder, e.g.
 *   'target/orders-1.0.0.jar', 'build/libs/*.jar'). The runtime stage copies that jar
 *   to `/app/app.jar`, so `start` is always the logical command
 *   `['java', '-jar', '/app/app.jar']`. A stage that unpacks Spring Boot layered jars
 *   may launch `org.springframework.boot.loader.launch.JarLauncher` instead; `start`
 *   stays the logical command.
 * - Quarkus is built as an uber-jar (`-Dquarkus.package.jar.type=uber-jar`,
 *   '*-runner.jar') so the same single-jar convention holds; Gradle projects with the
 *   Shadow plugin build `shadowJar` ('*-all.jar').
 * - Spring Boot, Quarkus and Micronaut listen on 8080 unless the application config
 *   says otherwise (`server.port`, `quarkus.http.port`, `micronaut.server.port`,
 *   `${PORT:8080}` placeholders resolve to their default).
 * - When a folder has both a pom.xml and a Gradle build (a misleading repo), the tool
 *   whose wrapper (mvnw / gradlew) is present wins; with both or neither wrapper the
 *   build file declaring more dependencies and plugins wins; a tie goes to Maven.
 *   The packageManager evidence names the deciding file (the wrapper or build file).
 * - A Maven aggregator (packaging pom) or a Gradle root that only includes
 *   subprojects is `library: true` (its modules are the services). A module with no
 *   main class (and not Quarkus, which generates one) is a library too: this covers
 *   shared modules that siblings depend on even when they inherit the Spring Boot plugin.
 */
import { joinRel } from '../../detect/repo.js';
import { byDefault, fact } from '../../detect/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
const DEFAULT_JAVA = defaultLanguageVersion('java');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const JAVA = vocabulary(['micronaut', 'quarkus', 'spring-boot'] as const, ['maven', 'gradle'] as const);
export type JavaFramework = (typeof JAVA.frameworks)[number];
export const { framework: javaFramework, packageManager: javaPackageManager } = JAVA;
const DEFAULT_PORT = 8080;
const START = ['java', '-jar', '/app/app.jar'];
const GRADLE_FILES = ['build.gradle.kts', 'build.gradle', 'settings.gradle.kts', 'settings.gradle'];
const ENV_AND_DOCKER = ['.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
/** Starters that make a Spring Boot application serve HTTP. */
const SPRING_WEB = [
  'spring-boot-starter-web',
  // Spring Boot 4 renamed the servlet web starter.
  'spring-boot-starter-webmvc',
  'spring-boot-starter-webflux',
  'spring-boot-starter-jersey',
  'spring-boot-starter-websocket',
  'spring-boot-starter-graphql',
  'spring-boot-starter-data-rest',
  'spring-boot-starter-hateoas',
  'spring-cloud-starter-gateway',
  'spring-cloud-starter-netflix-eureka-server',
  'spring-cloud-config-server',
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const at = (repo: RepoView, file: string, re: RegExp): string => repo.locate(file, re) ?? file;
const uniq = (xs: string[]): string[] => [...new Set(xs)];
/** The parent folder of a repo-relative folder ('.' stays '.'). */
const up = (d: string): string => (d === '.' || !d.includes('/') ? '.' : d.slice(0, d.lastIndexOf('/')));
/** `base` joined with a relative path, '..' resolved; null when it leaves the repository. */
function resolveRel(base: string, rel: string): string | null {
  const out: string[] = [];
  for (const part of `${base}/${rel}`.split(/[\\/]+/)) {
    if (!part || part === '.') continue;
    if (part === '..') {
      if (!out.length) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/') || '.';
}

/** '1.8' → '8', '17' → '17', '17.0.2' → '17'; null when not a version. */
function javaMajor(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const v = raw.trim().replace(/^["']|["']$/g, '');
  const legacy = /^1[._](\d+)/.exec(v);
  if (legacy) return legacy[1]!;
  const m = /^(\d+)/.exec(v);
  return m ? m[1]! : null;
}

/* ------------------------------------------------------------------ Maven */

interface Dep {
  group: string;
  artifact: string;
  scope: string | null;
}

interface Pom {
  file: string;
  /** Comment-free text of the whole file. */
  text: string;
  groupId: string | null;
  artifactId: string | null;
  version: string | null;
  packaging: string;
  parent: { groupId: string | null; artifactId: string | null; version: string | null; relativePath: string | null | undefined } | null;
  props: Map<string, string>;
  modules: string[];
  deps: Dep[];
  /** <build> without <pluginManagement>: plugins that run. */
  plugins: string;
  /** The whole <build> block (pluginManagement included). */
  build: string;
  finalName: string | null;
}

const stripXmlComments = (t: string): string => t.replace(/<!--[\s\S]*?-->/g, '');
const blockOf = (t: string, tag: string): string | null =>
  new RegExp(`<${esc(tag)}(?:\\s[^>]*)?>([\\s\\S]*?)</${esc(tag)}>`).exec(t)?.[1] ?? null;
const removeBlocks = (t: string, tags: string[]): string =>
  tags.reduce((acc, tag) => acc.replace(new RegExp(`<${esc(tag)}(?:\\s[^>]*)?>[\\s\\S]*?</${esc(tag)}>`, 'g'), ''), t);
const tagValue = (t: string, tag: string): string | null =>
  new RegExp(`<${esc(tag)}>\\s*([^<]*?)\\s*</${esc(tag)}>`).exec(t)?.[1] ?? null;
const blocksOf = (t: string, tag: string): string[] =>
  [...t.matchAll(new RegExp(`<${esc(tag)}(?:\\s[^>]*)?>([\\s\\S]*?)</${esc(tag)}>`, 'g'))].map((m) => m[1]!);

function parsePom(repo: RepoView, file: string): Pom | null {
  const raw = repo.read(file);
  if (raw === null) return null;
  const text = stripXmlComments(raw);
  const project = blockOf(text, 'project') ?? text;
  const noProfiles = removeBlocks(project, ['profiles']);
  const parentBlock = blockOf(noProfiles, 'parent');
  let parent: Pom['parent'] = null;
  if (parentBlock !== null) {
    const selfClosing = /<relativePath\s*\/>/.test(parentBlock);
    parent = {
      groupId: tagValue(parentBlock, 'groupId'),
      artifactId: tagValue(parentBlock, 'artifactId'),
      version: tagValue(parentBlock, 'version'),
      relativePath: selfClosing ? null : (tagValue(parentBlock, 'relativePath') ?? undefined),
    };
  }
  const build = blockOf(noProfiles, 'build') ?? '';
  const top = removeBlocks(noProfiles, [
    'parent', 'dependencyManagement', 'build', 'reporting', 'dependencies', 'properties', 'modules',
    'developers', 'contributors', 'licenses', 'scm', 'distributionManagement', 'repositories',
    'pluginRepositories', 'organization', 'issueManagement', 'ciManagement', 'mailingLists', 'prerequisites',
  ]);
  const props = new Map<string, string>();
  const propsBlock = blockOf(removeBlocks(noProfiles, ['build', 'dependencyManagement', 'dependencies', 'parent']), 'properties');
  if (propsBlock) {
    for (const m of propsBlock.matchAll(/<([\w.\-]+)>\s*([^<]*?)\s*<\/\1>/g)) props.set(m[1]!, m[2]!);
  }
  const modulesBlock = blockOf(noProfiles, 'modules') ?? '';
  const modules = [...modulesBlock.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((m) => m[1]!);
  const depsBlock = blockOf(removeBlocks(noProfiles, ['dependencyManagement', 'build']), 'dependencies') ?? '';
  const deps: Dep[] = blocksOf(depsBlock, 'dependency')
    .map((d) => ({ group: tagValue(d, 'groupId') ?? '', artifact: tagValue(d, 'artifactId') ?? '', scope: tagValue(d, 'scope') }))
    .filter((d) => d.artifact);
  return {
    file,
    text,
    groupId: tagValue(top, 'groupId'),
    artifactId: tagValue(top, 'artifactId'),
    version: tagValue(top, 'version'),
    packaging: tagValue(top, 'packaging') ?? 'jar',
    parent,
    props,
    modules,
    deps,
    plugins: removeBlocks(build, ['pluginManagement']),
    build,
    finalName: tagValue(removeBlocks(build, ['plugins', 'pluginManagement']), 'finalName'),
  };
}

/** The pom and its local parents (child first), following <relativePath> (default ../pom.xml). */
function pomChain(repo: RepoView, file: string): Pom[] {
  const chain: Pom[] = [];
  let current = parsePom(repo, file);
  const seen = new Set<string>();
  while (current && !seen.has(current.file) && chain.length < 8) {
    chain.push(current);
    seen.add(current.file);
    const p = current.parent;
    if (!p || p.relativePath === null) break;
    let rel = resolveRel(up(current.file), p.relativePath ?? '../pom.xml');
    if (rel === null) break;
    if (repo.isDir(rel)) rel = joinRel(rel, 'pom.xml');
    const candidate = parsePom(repo, rel);
    if (!candidate || (p.artifactId && candidate.artifactId !== p.artifactId)) break;
    current = candidate;
  }
  return chain;
}

interface Resolved {
  value: string;
  source: string;
}

/** Resolves ${prop} references against the chain (child wins); source is the line defining the literal. */
function resolveProp(repo: RepoView, chain: Pom[], raw: string, where: Resolved['source'], depth = 0): Resolved | null {
  const ref = /^\$\{([^}]+)\}$/.exec(raw.trim());
  if (!ref) return raw.includes('${') ? null : { value: raw.trim(), source: where };
  if (depth > 5) return null;
  const name = ref[1]!;
  const self = chain[0]!;
  const builtin: Record<string, string | null | undefined> = {
    'project.version': self.version ?? self.parent?.version,
    'project.artifactId': self.artifactId,
    'project.groupId': self.groupId ?? self.parent?.groupId,
    'project.parent.version': self.parent?.version,
  };
  if (builtin[name]) return resolveProp(repo, chain, builtin[name]!, self.file, depth + 1);
  for (const pom of chain) {
    const v = pom.props.get(name);
    if (v !== undefined) return resolveProp(repo, chain, v, at(repo, pom.file, new RegExp(`<${esc(name)}>`)), depth + 1);
  }
  return null;
}

function mavenJavaVersion(repo: RepoView, chain: Pom[]): Fact<string> {
  for (const pom of chain) {
    const compiler = blocksOf(pom.build, 'plugin').find((p) => tagValue(p, 'artifactId') === 'maven-compiler-plugin');
    const candidates: Array<[string | null | undefined, RegExp]> = [
      [compiler ? tagValue(compiler, 'release') : null, /<release>/],
      [compiler ? tagValue(compiler, 'source') : null, /<source>/],
      [pom.props.get('maven.compiler.release'), /<maven\.compiler\.release>/],
      [pom.props.get('java.version'), /<java\.version>/],
      [pom.props.get('maven.compiler.source'), /<maven\.compiler\.source>/],
      [pom.props.get('maven.compiler.target'), /<maven\.compiler\.target>/],
    ];
    for (const [raw, re] of candidates) {
      if (!raw) continue;
      const r = resolveProp(repo, chain, raw, at(repo, pom.file, re));
      const major = javaMajor(r?.value);
      if (r && major) return fact(major, r.source);
    }
  }
  return byDefault(DEFAULT_JAVA);
}

const hasPlugin = (pom: Pom, artifact: string): boolean =>
  blocksOf(pom.plugins, 'plugin').some((p) => tagValue(p, 'artifactId') === artifact);

function mavenFramework(repo: RepoView, chain: Pom[]): Fact<string | null> {
  const probes: Array<[string, (pom: Pom) => RegExp | null]> = [
    ['spring-boot', (pom) =>
      pom.parent?.artifactId === 'spring-boot-starter-parent' ? /<artifactId>\s*spring-boot-starter-parent\s*</
      : hasPlugin(pom, 'spring-boot-maven-plugin') ? /<artifactId>\s*spring-boot-maven-plugin\s*</
      : pom.deps.some((d) => d.artifact.startsWith('spring-boot-starter') && d.scope !== 'test') ? /<artifactId>\s*spring-boot-starter/
      : null],
    ['quarkus', (pom) =>
      hasPlugin(pom, 'quarkus-maven-plugin') ? /<artifactId>\s*quarkus-maven-plugin\s*</
      : pom.deps.some((d) => d.group === 'io.quarkus' && d.scope !== 'test') ? /<groupId>\s*io\.quarkus\s*</
      : null],
    ['micronaut', (pom) =>
      pom.parent?.artifactId === 'micronaut-parent' ? /<artifactId>\s*micronaut-parent\s*</
      : hasPlugin(pom, 'micronaut-maven-plugin') ? /<artifactId>\s*micronaut-maven-plugin\s*</
      : pom.deps.some((d) => d.group.startsWith('io.micronaut') && d.scope !== 'test') ? /<groupId>\s*io\.micronaut/
      : null],
  ];
  for (const [name, probe] of probes) {
    for (const pom of chain) {
      const re = probe(pom);
      if (re) return fact(name, at(repo, pom.file, re));
    }
  }
  return byDefault(null);
}

/* ----------------------------------------------------------------- Gradle */

interface Catalog {
  file: string;
  libraries: Map<string, { group: string; artifact: string; line: number }>;
  bundles: Map<string, string[]>;
  plugins: Map<string, string>;
}

const catalogKey = (alias: string): string => alias.replace(/[-_.]/g, '.').toLowerCase();

function readCatalog(repo: RepoView, dir: string): Catalog | null {
  for (let d = dir; ; d = up(d)) {
    const file = joinRel(d, 'gradle/libs.versions.toml');
    const text = repo.read(file);
    if (text !== null) {
      const cat: Catalog = { file, libraries: new Map(), bundles: new Map(), plugins: new Map() };
      let section = '';
      text.split('\n').forEach((line, i) => {
        const s = /^\s*\[([^\]]+)\]/.exec(line);
        if (s) {
          section = s[1]!.trim();
          return;
        }
        const kv = /^\s*([\w.\-]+)\s*=\s*(.+)$/.exec(line);
        if (!kv) return;
        const key = catalogKey(kv[1]!);
        const val = kv[2]!;
        if (section === 'libraries') {
          const str = /^["']([^"':]+):([^"':]+)/.exec(val);
          const mod = /module\s*=\s*["']([^"':]+):([^"':]+)/.exec(val);
          const g = /group\s*=\s*["']([^"']+)["']/.exec(val);
          const n = /name\s*=\s*["']([^"']+)["']/.exec(val);
          const hit = str ?? mod;
          if (hit) cat.libraries.set(key, { group: hit[1]!, artifact: hit[2]!, line: i + 1 });
          else if (g && n) cat.libraries.set(key, { group: g[1]!, artifact: n[1]!, line: i + 1 });
        } else if (section === 'bundles') {
          cat.bundles.set(key, [...val.matchAll(/["']([^"']+)["']/g)].map((m) => catalogKey(m[1]!)));
        } else if (section === 'plugins') {
          const id = /id\s*=\s*["']([^"']+)["']/.exec(val) ?? /^["']([^"':]+)/.exec(val);
          if (id) cat.plugins.set(key, id[1]!);
        }
      });
      return cat;
    }
    if (d === '.') return null;
  }
}

interface GradleInfo {
  file: string | null;
  lines: string[];
  plugins: Array<{ id: string; source: string }>;
  deps: Array<{ group: string; artifact: string; source: string }>;
}

const GRADLE_CONFIGS = '(?:implementation|api|runtimeOnly|compileOnly|developmentOnly)';

function parseGradle(repo: RepoView, dir: string): GradleInfo {
  const file = ['build.gradle.kts', 'build.gradle'].map((f) => joinRel(dir, f)).find((f) => repo.exists(f)) ?? null;
  const text = file ? (repo.read(file) ?? '') : '';
  const lines = text.split('\n').map((l) => l.replace(/\/\/.*$/, ''));
  const catalog = readCatalog(repo, dir);
  const info: GradleInfo = { file, lines, plugins: [], deps: [] };
  if (!file) return info;
  let inPlugins = false;
  lines.forEach((line, i) => {
    const src = `${file}:${i + 1}`;
    if (/^\s*plugins\s*\{/.test(line)) inPlugins = true;
    else if (inPlugins && /^\s*\}/.test(line)) inPlugins = false;
    const id = /\bid\s*\(?\s*["']([^"']+)["']/.exec(line) ?? /apply\s+plugin\s*:\s*["']([^"']+)["']/.exec(line);
    if (id) info.plugins.push({ id: id[1]!, source: src });
    const alias = /alias\s*\(\s*libs\.plugins\.([\w.]+)\s*\)/.exec(line);
    if (alias && catalog?.plugins.has(catalogKey(alias[1]!))) info.plugins.push({ id: catalog.plugins.get(catalogKey(alias[1]!))!, source: src });
    const kotlin = /\bkotlin\s*\(\s*["']([^"']+)["']\s*\)/.exec(line);
    if (kotlin && inPlugins) info.plugins.push({ id: `org.jetbrains.kotlin.${kotlin[1]}`, source: src });
    const bare = /^\s*`?(application|java-library|java)`?\s*$/.exec(line);
    if (bare && inPlugins) info.plugins.push({ id: bare[1]!, source: src });

    const str = new RegExp(`^\\s*${GRADLE_CONFIGS}\\s*\\(?\\s*["']([^"':\\s]+):([^"':\\s]+)`).exec(line);
    const map = new RegExp(`^\\s*${GRADLE_CONFIGS}\\s*\\(?\\s*group\\s*[:=]\\s*["']([^"']+)["']\\s*,\\s*name\\s*[:=]\\s*["']([^"']+)["']`).exec(line);
    const hit = str ?? map;
    if (hit) {
      info.deps.push({ group: hit[1]!, artifact: hit[2]!, source: src });
      return;
    }
    const lib = new RegExp(`^\\s*${GRADLE_CONFIGS}\\s*\\(?\\s*libs\\.([\\w.]+)`).exec(line);
    if (lib && catalog) {
      const key = catalogKey(lib[1]!);
      const keys = key.startsWith('bundles.') ? (catalog.bundles.get(key.slice('bundles.'.length)) ?? []) : [key];
      for (const k of keys) {
        const l = catalog.libraries.get(k);
        if (l) info.deps.push({ group: l.group, artifact: l.artifact, source: src });
      }
    }
  });
  return info;
}

function gradleJavaVersion(repo: RepoView, dir: string): Fact<string> {
  const patterns: Array<[RegExp, (m: RegExpExecArray) => string | null]> = [
    [/JavaLanguageVersion\.of\(\s*["']?(\d+)["']?\s*\)/, (m) => m[1]!],
    [/jvmToolchain\s*\(\s*(\d+)\s*\)/, (m) => m[1]!],
    [/sourceCompatibility\s*=\s*(.+)$/, (m) => javaMajor(/VERSION_(\d+(?:_\d+)?)/.exec(m[1]!)?.[1] ?? /(\d+(?:\.\d+)?)/.exec(m[1]!)?.[1])],
    [/targetCompatibility\s*=\s*(.+)$/, (m) => javaMajor(/VERSION_(\d+(?:_\d+)?)/.exec(m[1]!)?.[1] ?? /(\d+(?:\.\d+)?)/.exec(m[1]!)?.[1])],
  ];
  // The service's own build file first, then the builds of enclosing folders (allprojects/subprojects blocks).
  for (let d = dir; ; d = up(d)) {
    for (const name of ['build.gradle.kts', 'build.gradle']) {
      const file = joinRel(d, name);
      const text = repo.read(file);
      if (text === null) continue;
      const lines = text.split('\n').map((l) => l.replace(/\/\/.*$/, ''));
      for (const [re, pick] of patterns) {
        for (let i = 0; i < lines.length; i++) {
          const m = re.exec(lines[i]!);
          const v = m ? pick(m) : null;
          if (v) return fact(v, `${file}:${i + 1}`);
        }
      }
    }
    if (d === '.') break;
  }
  return byDefault(DEFAULT_JAVA);
}

/* ------------------------------------------------------------ app config */

interface ConfigValue {
  value: string;
  source: string;
}

/** Reads `key` from Spring/Quarkus/Micronaut application.properties / application.yml (first YAML document). */
function configValue(repo: RepoView, dir: string, key: string): ConfigValue | null {
  const res = joinRel(dir, 'src/main/resources');
  const props = joinRel(res, 'application.properties');
  const text = repo.read(props);
  if (text !== null) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^\s*([^#!=:\s][^=:\s]*)\s*[=:\s]\s*(.*?)\s*$/.exec(lines[i]!);
      if (m && m[1] === key) return { value: m[2]!, source: `${props}:${i + 1}` };
    }
  }
  for (const name of ['application.yml', 'application.yaml']) {
    const file = joinRel(res, name);
    const yml = repo.read(file);
    if (yml === null) continue;
    // Every document that no profile activates applies, a later one over an earlier one.
    const lines = yml.split('\n');
    let found: ConfigValue | null = null;
    let start = 0;
    for (let end = 0; end <= lines.length; end++) {
      if (end < lines.length && !(/^---/.test(lines[end]!) && end > 0)) continue;
      const hit = yamlDocValue(lines, start, end, key, file);
      if (hit && !yamlDocValue(lines, start, end, 'spring.config.activate.on-profile', file) && !yamlDocValue(lines, start, end, 'spring.profiles', file)) found = hit;
      start = end + 1;
    }
    if (found) return found;
  }
  return null;
}

/** `key` (dotted path) in the YAML lines [start, end) of one document, with its line. */
function yamlDocValue(lines: string[], start: number, end: number, key: string, file: string): ConfigValue | null {
  const stack: Array<{ indent: number; key: string }> = [];
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (/^\s*(#|$)/.test(line) || /^\s*-/.test(line)) continue;
    const m = /^(\s*)([^:#]+?)\s*:(?:\s+(.*?))?\s*$/.exec(line.replace(/\s+#.*$/, ''));
    if (!m) continue;
    const indent = m[1]!.length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack.push({ indent, key: m[2]!.replace(/^["']|["']$/g, '') });
    const path = stack.map((s) => s.key).join('.');
    if (path === key && m[3] !== undefined && m[3] !== '') return { value: m[3].replace(/^["']|["']$/g, ''), source: `${file}:${i + 1}` };
  }
  return null;
}

/** '8081', '${PORT:8081}', '${SERVER_PORT:${PORT:8081}}' → 8081; null when no literal default. */
function portOf(raw: string): number | null {
  const m = /(\d{2,5})\}*\s*$/.exec(raw.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 && n < 65536 ? n : null;
}

/* --------------------------------------------------------------- detector */

interface Choice {
  tool: 'maven' | 'gradle';
  source: string;
}

function chooseTool(repo: RepoView, dir: string): Choice {
  const pom = joinRel(dir, 'pom.xml');
  const gradleFile = GRADLE_FILES.map((f) => joinRel(dir, f)).find((f) => repo.exists(f));
  if (!repo.exists(pom)) return { tool: 'gradle', source: gradleFile! };
  if (!gradleFile) return { tool: 'maven', source: pom };
  const mvnw = joinRel(dir, 'mvnw');
  const gradlew = joinRel(dir, 'gradlew');
  const hasMvnw = repo.exists(mvnw);
  const hasGradlew = repo.exists(gradlew);
  if (hasMvnw !== hasGradlew) return hasMvnw ? { tool: 'maven', source: mvnw } : { tool: 'gradle', source: gradlew };
  // Both or neither wrapper: the more complete build file wins, Maven on a tie.
  const p = parsePom(repo, pom);
  const pomScore = p ? p.deps.length + blocksOf(p.plugins, 'plugin').length : 0;
  const g = parseGradle(repo, dir);
  const gradleScore = g.deps.length + g.plugins.length;
  return gradleScore > pomScore ? { tool: 'gradle', source: g.file ?? gradleFile } : { tool: 'maven', source: pom };
}

/**
 * .java/.kt files below src/main. Not repo.walk(): it skips folders named out, build,
 * env, bin..., which are ordinary Java package names (hexagonal `adapter/out`).
 */
function codeFiles(repo: RepoView, rel: string, depth = 0): string[] {
  if (depth > 20) return [];
  const out: string[] = [];
  for (const name of repo.list(rel)) {
    const child = joinRel(rel, name);
    if (repo.isDir(child)) {
      if (!name.startsWith('.')) out.push(...codeFiles(repo, child, depth + 1));
    } else if (/\.(java|kt)$/.test(name)) out.push(child);
  }
  return out;
}

/** Source files of the service: src/main code and config, build files, env examples, Dockerfile. */
function sourceFilesOf(repo: RepoView, dir: string): string[] {
  const main = joinRel(dir, 'src/main');
  const code = codeFiles(repo, main);
  const res = joinRel(main, 'resources');
  const config = repo
    .list(res)
    .filter((n) => /^(application|bootstrap)(-[\w.-]+)?\.(properties|ya?ml)$/.test(n))
    .map((n) => joinRel(res, n));
  const build = ['pom.xml', ...GRADLE_FILES, 'gradle.properties'].map((f) => joinRel(dir, f)).filter((f) => repo.exists(f));
  const extra = ENV_AND_DOCKER.map((f) => joinRel(dir, f)).filter((f) => repo.exists(f));
  return uniq([...code, ...config, ...build, ...extra]);
}

const MAIN_RE = /static\s+void\s+main\s*\(|^\s*fun\s+main\s*\(|@SpringBootApplication|Micronaut\.run\s*\(|@QuarkusMain/m;

function hasMainClass(repo: RepoView, files: string[]): boolean {
  return files.some((f) => /\.(java|kt)$/.test(f) && MAIN_RE.test(repo.read(f) ?? ''));
}

/** The nearest enclosing Maven aggregator listing `dir` as a module: its folder, the module path from it, the <module> line. */
function aggregatorOf(repo: RepoView, dir: string): { dir: string; module: string; source: string } | null {
  if (dir === '.') return null;
  for (let d = up(dir); ; d = up(d)) {
    const file = joinRel(d, 'pom.xml');
    const pom = parsePom(repo, file);
    if (pom?.packaging === 'pom') {
      const module = pom.modules.find((m) => resolveRel(d, m.replace(/\/pom\.xml$/, '')) === dir);
      if (module) return { dir: d, module: module.replace(/\/pom\.xml$/, ''), source: at(repo, file, new RegExp(`<module>\\s*${esc(module)}\\s*<`)) };
    }
    if (d === '.') return null;
  }
}

function detectMaven(repo: RepoView, dir: string, choice: Choice): LanguageFacts {
  const pomFile = joinRel(dir, 'pom.xml');
  const chain = pomChain(repo, pomFile);
  const pom = chain[0]!;
  const sourceFiles = sourceFilesOf(repo, dir);
  const wrapper = repo.exists(joinRel(dir, 'mvnw'));
  const mvn = wrapper ? './mvnw' : 'mvn';
  const deps = chain.flatMap((p) => p.deps).filter((d) => d.scope !== 'test');
  const dependencies = uniq(deps.flatMap((d) => (d.group ? [d.artifact, `${d.group}:${d.artifact}`] : [d.artifact])));
  const base: LanguageFacts = {
    language: 'java',
    languageVersion: mavenJavaVersion(repo, chain),
    packageManager: fact('maven', choice.source),
    lockfile: byDefault(null),
    dependencies,
    sourceFiles,
  };
  if (pom.packaging === 'pom') {
    // Aggregator / parent: its modules are the services.
    const src = pom.modules.length ? at(repo, pomFile, /<modules>/) : at(repo, pomFile, /<packaging>/);
    return { ...base, library: true, framework: byDefault(null), build: fact(`${mvn} -B package -DskipTests`, src), entry: byDefault(null) };
  }
  const framework = mavenFramework(repo, chain);
  const fw = framework.value;
  const hasMain = hasMainClass(repo, sourceFiles);
  const hasCode = sourceFiles.some((f) => /\.(java|kt)$/.test(f));
  const library = hasCode && !hasMain && fw !== 'quarkus';

  // A module of a local aggregator is built from there (-pl <module> -am) so that sibling
  // modules it depends on are built too; the jar still lands in the module's target/.
  const agg = aggregatorOf(repo, dir);
  let build: string;
  let buildSource: string;
  if (agg) {
    const back = dir.split('/').slice(agg.dir === '.' ? 0 : agg.dir.split('/').length).map(() => '..').join('/');
    const aggMvn = repo.exists(joinRel(agg.dir, 'mvnw')) ? `${back}/mvnw` : 'mvn';
    build = `${aggMvn} -B -f ${back}/pom.xml -pl ${agg.module} -am package -DskipTests`;
    buildSource = agg.source;
  } else {
    build = `${mvn} -B package -DskipTests`;
    buildSource = wrapper ? joinRel(dir, 'mvnw') : pomFile;
  }
  if (fw === 'quarkus') build += ' -Dquarkus.package.jar.type=uber-jar';
  const buildFact = fact(build, buildSource);

  // entry: the jar the build writes, relative to the service folder.
  const ext = pom.packaging === 'war' ? 'war' : 'jar';
  const artifact = pom.artifactId ? resolveProp(repo, chain, pom.artifactId, pomFile)?.value : undefined;
  const versionRaw = pom.version ?? pom.parent?.version ?? null;
  const version = versionRaw ? resolveProp(repo, chain, versionRaw, pomFile)?.value : undefined;
  const finalName = pom.finalName ? resolveProp(repo, chain, pom.finalName, pomFile)?.value : undefined;
  const runner = fw === 'quarkus' ? '-runner' : '';
  let entry: Fact<string | null>;
  if (finalName) entry = fact(`target/${finalName}${runner}.${ext}`, at(repo, pomFile, /<finalName>/));
  else if (artifact && version) entry = fact(`target/${artifact}-${version}${runner}.${ext}`, at(repo, pomFile, new RegExp(`<artifactId>\\s*${esc(pom.artifactId!)}\\s*<`)));
  else entry = byDefault(`target/*${runner}.${ext}`);

  const facts: LanguageFacts = { ...base, framework, build: buildFact, entry, start: fact(START, 'default'), library };
  if (!library) addPortAndHealth(repo, dir, facts, deps.map((d) => d.artifact), (a) => at(repo, pomFile, new RegExp(`<artifactId>\\s*${esc(a)}\\s*<`)));
  return facts;
}

/**
 * './gradlew', or '../gradlew' for a subproject whose build root holds the wrapper
 * (Gradle run in a subproject folder builds that subproject), else 'gradle'.
 */
function gradleCommand(repo: RepoView, dir: string): string {
  let back = '.';
  for (let d = dir; ; d = up(d)) {
    if (repo.exists(joinRel(d, 'gradlew'))) return `${back}/gradlew`;
    if (['settings.gradle.kts', 'settings.gradle'].some((f) => repo.exists(joinRel(d, f))) || d === '.') return 'gradle';
    back = back === '.' ? '..' : `${back}/..`;
  }
}

function detectGradle(repo: RepoView, dir: string, choice: Choice): LanguageFacts {
  const g = parseGradle(repo, dir);
  const sourceFiles = sourceFilesOf(repo, dir);
  const gradle = gradleCommand(repo, dir);
  const lock = joinRel(dir, 'gradle.lockfile');
  const dependencies = uniq(g.deps.flatMap((d) => [d.artifact, `${d.group}:${d.artifact}`]));
  const plugin = (pred: (id: string) => boolean) => g.plugins.find((p) => pred(p.id));
  const dep = (pred: (d: { group: string; artifact: string }) => boolean) => g.deps.find(pred);
  const base: LanguageFacts = {
    language: 'java',
    languageVersion: gradleJavaVersion(repo, dir),
    packageManager: fact('gradle', choice.source),
    lockfile: repo.exists(lock) ? fact('gradle.lockfile', lock) : byDefault(null),
    dependencies,
    sourceFiles,
  };
  const settings = ['settings.gradle.kts', 'settings.gradle'].map((f) => joinRel(dir, f)).find((f) => repo.exists(f));
  const includes = settings ? repo.locate(settings, /^\s*include\b/) : null;
  if (includes && !repo.isDir(joinRel(dir, 'src/main'))) {
    return { ...base, library: true, framework: byDefault(null), build: fact(`${gradle} build -x test --no-daemon`, includes), entry: byDefault(null) };
  }
  let framework: Fact<string | null> = byDefault(null);
  const boot = plugin((id) => id === 'org.springframework.boot') ?? dep((d) => d.group === 'org.springframework.boot' && d.artifact.startsWith('spring-boot-starter'));
  const quarkus = plugin((id) => id === 'io.quarkus') ?? dep((d) => d.group.startsWith('io.quarkus'));
  const micronaut = plugin((id) => id.startsWith('io.micronaut.')) ?? dep((d) => d.group.startsWith('io.micronaut'));
  if (boot) framework = fact('spring-boot', boot.source);
  else if (quarkus) framework = fact('quarkus', quarkus.source);
  else if (micronaut) framework = fact('micronaut', micronaut.source);
  const fw = framework.value;
  const shadow = plugin((id) => id === 'com.github.johnrengelman.shadow' || id === 'com.gradleup.shadow' || id === 'io.github.goooler.shadow');

  let build: Fact<string | null>;
  let entry: Fact<string | null>;
  if (fw === 'spring-boot') {
    build = fact(`${gradle} bootJar --no-daemon`, boot!.source);
    entry = fact('build/libs/*.jar', boot!.source);
  } else if (fw === 'quarkus') {
    build = fact(`${gradle} build -x test --no-daemon -Dquarkus.package.jar.type=uber-jar`, quarkus!.source);
    entry = fact('build/*-runner.jar', quarkus!.source);
  } else if (shadow) {
    build = fact(`${gradle} shadowJar --no-daemon`, shadow.source);
    entry = fact('build/libs/*-all.jar', shadow.source);
  } else {
    build = fact(`${gradle} build -x test --no-daemon`, g.file ?? choice.source);
    entry = byDefault('build/libs/*.jar');
  }
  const hasMain = hasMainClass(repo, sourceFiles);
  const hasCode = sourceFiles.some((f) => /\.(java|kt)$/.test(f));
  const library = hasCode && !hasMain && fw !== 'quarkus';
  const facts: LanguageFacts = { ...base, framework, build, entry, start: fact(START, 'default'), library };
  if (!library) addPortAndHealth(repo, dir, facts, g.deps.map((d) => d.artifact), (a) => g.deps.find((d) => d.artifact === a)?.source ?? g.file ?? dir);
  return facts;
}

/** Port (framework default or app config), worker-ness and health path for the JVM web frameworks. */
function addPortAndHealth(repo: RepoView, dir: string, facts: LanguageFacts, artifacts: string[], depSource: (artifact: string) => string): void {
  const fw = facts.framework?.value ?? null;
  if (!fw) return;
  if (fw === 'spring-boot' && !artifacts.some((a) => SPRING_WEB.includes(a))) {
    // A Spring Boot app without a web starter starts no server (batch, consumers, schedulers).
    facts.worker = true;
    facts.port = byDefault(null);
    return;
  }
  const key = fw === 'spring-boot' ? 'server.port' : fw === 'quarkus' ? 'quarkus.http.port' : 'micronaut.server.port';
  const configured = configValue(repo, dir, key);
  const port = configured ? portOf(configured.value) : null;
  facts.port = configured && port ? fact(port, configured.source) : byDefault(DEFAULT_PORT);

  let health: { base: string; artifact: string } | null = null;
  if (fw === 'spring-boot' && artifacts.includes('spring-boot-starter-actuator')) {
    const basePath = configValue(repo, dir, 'management.endpoints.web.base-path')?.value ?? '/actuator';
    health = { base: basePath.replace(/\/$/, ''), artifact: 'spring-boot-starter-actuator' };
  } else if (fw === 'quarkus' && artifacts.includes('quarkus-smallrye-health')) {
    health = { base: '/q', artifact: 'quarkus-smallrye-health' };
  } else if (fw === 'micronaut' && artifacts.includes('micronaut-management')) {
    health = { base: '', artifact: 'micronaut-management' };
  }
  if (health) facts.healthPath = fact(`${health.base}/health`, depSource(health.artifact));
}

export const javaDetector: LanguageDetector = {
  language: 'java',
  matches: (repo, dir) => ['pom.xml', ...GRADLE_FILES].some((f) => repo.exists(joinRel(dir, f))),
  detect(repo, dir) {
    const choice = chooseTool(repo, dir);
    return choice.tool === 'maven' ? detectMaven(repo, dir, choice) : detectGradle(repo, dir, choice);
  },
};
