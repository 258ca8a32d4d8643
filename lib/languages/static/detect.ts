/**
 * Static site / nginx detector (checked last: a folder with a manifest of
 * another language is that language's, even with an index.html).
 *
 * Conventions (what the rest of the generator can rely on):
 *
 * - language 'static' is served by nginx; `languageVersion` is the nginx
 *   version ('1.27' by default, or the tag of an nginx image in an existing
 *   Dockerfile, e.g. `FROM nginx:1.25-alpine` → '1.25').
 * - `framework` is 'nginx' when the folder carries an nginx config (a
 *   `server {` / `http {` block in nginx.conf, *.conf, conf.d/*.conf,
 *   nginx/*.conf or templates/*.conf.template), else null.
 * - `entry` is that config's path relative to the service folder, or null.
 * - `outputDir` is the folder holding index.html, relative to the service
 *   folder ('.', 'public', 'site', 'html', 'www'), or null for a config-only
 *   folder (a reverse proxy).
 * - `start` is [] (the image's web server runs), `build` null.
 * - `port` is the first `listen N` of the config (source 'file:line'), else
 *   8080, the unprivileged nginx default (source 'default').
 */
import { PROJECT_MANIFESTS } from '../../detect/project.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { byDefault, fact } from '../../detect/types.js';
import { joinRel } from '../../detect/repo.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
export const DEFAULT_NGINX_VERSION = defaultLanguageVersion('static');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const STATIC = vocabulary(['nginx'] as const, [] as const);
export type StaticFramework = (typeof STATIC.frameworks)[number];
export const { framework: staticFramework, packageManager: staticPackageManager } = STATIC;
export const DEFAULT_STATIC_PORT = 8080;

const MANIFESTS = PROJECT_MANIFESTS;
const INDEX_NAMES = ['index.html', 'index.htm'];
/** Folders (besides the service folder itself) that may hold the site. */
const SITE_DIRS = ['public', 'site'];
const OUTPUT_DIRS = ['.', 'public', 'site', 'html', 'www'];
const CONFIG_DIRS = ['.', 'conf.d', 'nginx', 'nginx/conf.d', 'templates', 'nginx/templates'];
const SERVER_BLOCK_RE = /^\s*(?:server|http)\s*\{/m;
const EXTRA_FILES = ['.env.example', '.env.sample', 'Dockerfile'];

/** nginx configs of the folder, best first (nginx.conf, default.conf, then sorted). */
function nginxConfigs(repo: RepoView, dir: string): string[] {
  const found: string[] = [];
  for (const sub of CONFIG_DIRS) {
    const d = joinRel(dir, sub);
    for (const n of repo.list(d)) {
      if (!/\.conf(?:\.template)?$/.test(n)) continue;
      const f = joinRel(d, n);
      if (!repo.isDir(f) && SERVER_BLOCK_RE.test(repo.read(f) ?? '')) found.push(f);
    }
  }
  const rank = (f: string) => {
    const n = f.split('/').pop()!;
    return n === 'nginx.conf' ? 0 : /^default\.conf/.test(n) ? 1 : 2;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const hasIndex = (repo: RepoView, d: string): boolean => INDEX_NAMES.some((n) => repo.exists(joinRel(d, n)));

function listenPort(repo: RepoView, configs: string[]): Fact<number | null> {
  const re = /^\s*listen\s+(?:\[[^\]]*\]:|[\d.]+:|\*:)?(\d+)\b/;
  for (const f of configs) {
    const src = repo.locate(f, re);
    if (!src) continue;
    const line = (repo.read(f) ?? '').split('\n')[Number(src.split(':').pop()) - 1]!;
    return fact(Number(re.exec(line)![1]), src);
  }
  return byDefault(DEFAULT_STATIC_PORT);
}

export const staticDetector: LanguageDetector = {
  language: 'static',

  matches(repo, dir) {
    if (hasIndex(repo, dir)) return true;
    const manifest = MANIFESTS.some((m) => repo.exists(joinRel(dir, m)));
    if (manifest) return false;
    if (SITE_DIRS.some((d) => hasIndex(repo, joinRel(dir, d)))) return true;
    return nginxConfigs(repo, dir).length > 0;
  },

  detect(repo, dir): LanguageFacts {
    const configs = nginxConfigs(repo, dir);
    const config = configs[0] ?? null;
    const rel = (f: string) => (dir === '.' ? f : f.slice(dir.length + 1));

    const dockerfile = joinRel(dir, 'Dockerfile');
    const fromRe = /^\s*FROM\s+(?:[\w.-]+\/)*nginx(?:-unprivileged)?:v?(\d+\.\d+)/im;
    const tag = fromRe.exec(repo.read(dockerfile) ?? '')?.[1];
    const languageVersion = tag ? fact(tag, repo.locate(dockerfile, fromRe) ?? dockerfile) : byDefault(DEFAULT_NGINX_VERSION);

    const out = OUTPUT_DIRS.find((d) => hasIndex(repo, joinRel(dir, d)));
    const outIndex = out ? INDEX_NAMES.map((n) => joinRel(dir, out, n)).find((f) => repo.exists(f))! : null;

    const base = dir === '.' ? '' : `${dir}/`;
    const nested = (f: string) => {
      const parts = f.slice(base.length).split('/');
      let cur = dir;
      for (let i = 0; i < parts.length - 1; i++) {
        cur = joinRel(cur, parts[i]!);
        if (MANIFESTS.some((m) => repo.exists(joinRel(cur, m)))) return true;
      }
      return false;
    };
    const sources = repo
      .walk(dir, { extensions: ['.html', '.htm', '.js', '.mjs', '.conf', '.conf.template'] })
      .filter((f) => !nested(f))
      .slice(0, 2000);
    const extra = EXTRA_FILES.map((f) => joinRel(dir, f)).filter((f) => repo.exists(f) && !repo.isDir(f));

    return {
      language: 'static',
      languageVersion,
      framework: config ? fact('nginx', repo.locate(config, SERVER_BLOCK_RE) ?? config) : byDefault(null),
      packageManager: byDefault(null),
      lockfile: byDefault(null),
      start: byDefault([]),
      build: byDefault(null),
      entry: config ? fact(rel(config), config) : byDefault(null),
      outputDir: out && outIndex ? fact(out, outIndex) : byDefault(null),
      port: listenPort(repo, configs),
      dependencies: [],
      sourceFiles: [...new Set([...sources, ...configs, ...extra])],
      worker: false,
      library: false,
    };
  },
};
