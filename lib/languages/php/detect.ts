/**
 * PHP (Composer) detector.
 *
 * Runtime convention (the Dockerfile renderer relies on it):
 * - Web apps run on the official `php:<languageVersion>-apache-bookworm` image with
 *   `start = ['apache2-foreground']` (the image's own foreground command). Apache is
 *   reconfigured to listen on 8080 (ports.conf and the default vhost) so it can run as a
 *   non-root user, hence `port = 8080`. mod_rewrite is enabled for front controllers.
 * - The Apache document root is `outputDir`, relative to the service folder: 'public'
 *   for Laravel, Symfony and Slim (and any app with public/index.php), '.' otherwise.
 *   `entry` is the front controller ('public/index.php' or 'index.php').
 * - `composer install --no-dev` is the dependency install, not a build: `build` is null.
 * - Without a front controller: a package with `"type": "library"` (or nothing
 *   runnable) is a library; a CLI entry (composer "bin" or worker.php/main.php/...) is a
 *   worker started with ['php', <file>].
 */
import { joinRel } from '../../detect/repo.js';
import { byDefault, fact } from '../../detect/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
const DEFAULT_PHP = defaultLanguageVersion('php');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const PHP = vocabulary(['laravel', 'slim', 'symfony'] as const, ['composer'] as const);
export type PhpFramework = (typeof PHP.frameworks)[number];
export const { framework: phpFramework, packageManager: phpPackageManager } = PHP;
const PORT = 8080;
const ENV_AND_DOCKER = ['.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
/** Folders whose .php files are tests, caches or generated code. */
const NOT_RUNTIME = ['tests', 'test', 'storage', 'bootstrap/cache', 'var', 'node_modules', 'public/build'];
const SCRIPT_CANDIDATES = ['worker.php', 'main.php', 'app.php', 'run.php', 'console.php', 'server.php'];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const uniq = (xs: string[]): string[] => [...new Set(xs)];

interface Composer {
  require?: Record<string, string>;
  config?: { platform?: Record<string, string> };
  type?: string;
  bin?: string | string[];
}

function readComposer(repo: RepoView, file: string): Composer | null {
  const text = repo.read(file);
  if (text === null) return null;
  try {
    const json = JSON.parse(text) as unknown;
    return json && typeof json === 'object' ? (json as Composer) : null;
  } catch {
    return null;
  }
}

/** '^8.2' → '8.2', '>=8.1' → '8.1', '~8.1.0' → '8.1', '^7.4|^8.0' → '8.0' (the highest alternative), '8' → '8.0'. */
function phpVersionOf(constraint: string): string | null {
  let best: [number, number] | null = null;
  for (const alt of constraint.split(/\|\|?/)) {
    const m = /(\d+)(?:\.(\d+))?/.exec(alt);
    if (!m) continue;
    const v: [number, number] = [Number(m[1]), Number(m[2] ?? 0)];
    if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best ? `${best[0]}.${best[1]}` : null;
}

export const phpDetector: LanguageDetector = {
  language: 'php',
  matches: (repo, dir) => ['composer.json', 'index.php', 'public/index.php'].some((f) => repo.exists(joinRel(dir, f))),
  detect(repo, dir) {
    const rel = (f: string) => joinRel(dir, f);
    const composerFile = rel('composer.json');
    const composer = readComposer(repo, composerFile);
    const require = composer?.require ?? {};
    const inRequire = (pkg: string) => Object.prototype.hasOwnProperty.call(require, pkg);
    const requireLine = (pkg: string) => repo.locate(composerFile, new RegExp(`"${esc(pkg)}"\\s*:`)) ?? composerFile;

    // Version: config.platform.php (what Composer resolves against), then require.php.
    let languageVersion: Fact<string> = byDefault(DEFAULT_PHP);
    const platform = composer?.config?.platform?.php;
    const required = require['php'];
    const platformVersion = typeof platform === 'string' ? phpVersionOf(platform) : null;
    const requiredVersion = typeof required === 'string' ? phpVersionOf(required) : null;
    if (platformVersion) {
      languageVersion = fact(platformVersion, repo.locate(composerFile, new RegExp(`"php"\\s*:\\s*"${esc(platform!)}"`)) ?? composerFile);
    } else if (requiredVersion) {
      languageVersion = fact(requiredVersion, repo.locate(composerFile, new RegExp(`"php"\\s*:\\s*"${esc(required!)}"`)) ?? composerFile);
    } else {
      const tv = rel('.tool-versions');
      const loc = repo.locate(tv, /^\s*php\s+\d/);
      const v = loc ? phpVersionOf((repo.read(tv) ?? '').split('\n')[Number(loc.split(':').pop()) - 1]!.replace(/^\s*php\s+/, '')) : null;
      if (loc && v) languageVersion = fact(v, loc);
    }

    // Framework
    let framework: Fact<string | null> = byDefault(null);
    if (inRequire('laravel/framework') && repo.exists(rel('artisan'))) framework = fact('laravel', requireLine('laravel/framework'));
    else if (inRequire('symfony/framework-bundle')) framework = fact('symfony', requireLine('symfony/framework-bundle'));
    else if (inRequire('slim/slim')) framework = fact('slim', requireLine('slim/slim'));
    const fw = framework.value;

    // Source files: PHP code outside tests/caches, composer.json, config YAML (Symfony), env examples.
    const code = repo.walk(dir, { extensions: ['.php', '.yaml', '.yml'] }).filter((f) => {
      const inner = dir === '.' ? f : f.slice(dir.length + 1);
      if (NOT_RUNTIME.some((p) => inner === p || inner.startsWith(`${p}/`))) return false;
      return f.endsWith('.php') || inner.startsWith('config/');
    });
    const extraNames = ['composer.json', ...ENV_AND_DOCKER];
    // Symfony commits `.env` as the documented defaults (secrets go to .env.local).
    if (fw === 'symfony') extraNames.push('.env');
    const extra = extraNames.map(rel).filter((f) => repo.exists(f));

    const lock = rel('composer.lock');
    const facts: LanguageFacts = {
      language: 'php',
      languageVersion,
      framework,
      packageManager: composer ? fact('composer', composerFile) : byDefault(null),
      lockfile: repo.exists(lock) ? fact('composer.lock', lock) : byDefault(null),
      build: byDefault(null),
      dependencies: uniq(Object.keys(require).filter((k) => k !== 'php')),
      sourceFiles: uniq([...code, ...extra]),
    };

    const publicIndex = rel('public/index.php');
    const rootIndex = rel('index.php');
    if (repo.exists(publicIndex) || fw) {
      facts.outputDir = repo.exists(publicIndex) ? fact('public', publicIndex) : fact('public', framework.source);
      facts.entry = fact('public/index.php', repo.exists(publicIndex) ? publicIndex : framework.source);
    } else if (repo.exists(rootIndex)) {
      facts.outputDir = fact('.', rootIndex);
      facts.entry = fact('index.php', rootIndex);
    } else {
      // No front controller: a CLI worker or a library.
      const bins = composer?.bin === undefined ? [] : Array.isArray(composer.bin) ? composer.bin : [composer.bin];
      const script = SCRIPT_CANDIDATES.find((n) => repo.exists(rel(n)));
      if (composer?.type && composer.type !== 'project') {
        facts.library = true;
      } else if (script || bins.length) {
        const file = script ?? bins[0]!;
        const source = script ? rel(script) : (repo.locate(composerFile, /"bin"\s*:/) ?? composerFile);
        facts.start = fact(['php', file], source);
        facts.entry = fact(file, source);
        facts.worker = true;
        facts.port = fact(null, source);
      } else {
        facts.library = true;
      }
      return facts;
    }
    facts.start = byDefault(['apache2-foreground']);
    facts.port = byDefault(PORT);
    return facts;
  },
};
