/**
 * Elixir (Mix) detector.
 *
 * Conventions (the Dockerfile recipe relies on them):
 * - A folder with mix.exs. An umbrella root (`apps_path:`) is a library: its apps are the
 *   services. A project without an application callback (`mod:`) and no server is a library.
 * - languageVersion is 'major.minor': `.tool-versions` (`elixir 1.17.3-otp-27`), else the
 *   `elixir: "~> 1.15"` requirement of mix.exs, else the elixir pin's version.
 * - `packageManager` is 'mix'; `lockfile` is 'mix.lock' when present (then Hex is installed
 *   in the image: a project without dependencies needs no Hex).
 * - `entry` is the OTP application (`app: :shop`), the name of its release; `build` is
 *   `mix release` (with `mix assets.deploy` first for Phoenix with an assets/ folder);
 *   `start` is `['bin/<app>', 'start']`, the release copied to /app.
 * - `framework`: phoenix, else plug (plug_cowboy or bandit), from the deps of mix.exs; null
 *   for a server of OTP's own (:gen_tcp, :inets httpd). Phoenix listens on 4000 by default.
 * - port: `System.get_env("PORT", "4000")`, `System.get_env("PORT") || "4000"` and `port: 4000`
 *   in config/*.exs or lib/; the code scanners read the rest (env reads, health routes).
 * - worker: no server dependency and no listening call (:gen_tcp.listen, :inets httpd,
 *   Plug.Cowboy, Bandit, a Phoenix endpoint) in lib/.
 */
import { joinRel } from '../../detect/repo.js';
import { byDefault, fact } from '../../detect/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
const DEFAULT_ELIXIR = defaultLanguageVersion('elixir');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const ELIXIR = vocabulary(['phoenix', 'plug'] as const, ['mix'] as const);
export type ElixirFramework = (typeof ELIXIR.frameworks)[number];
export const { framework: elixirFramework, packageManager: elixirPackageManager } = ELIXIR;
const PHOENIX_PORT = 4000;
const ENV_AND_DOCKER = ['.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
const SERVER_DEPS = ['phoenix', 'plug_cowboy', 'bandit', 'cowboy', 'elli', 'thousand_island'];
const LISTENS = /:gen_tcp\.listen\(|:inets\.start\(\s*:httpd|:ssl\.listen\(|Plug\.Cowboy|Bandit\b|use Phoenix\.Endpoint/;
const PORT_LINE = /System\.get_env\(\s*"PORT"\s*(?:,\s*"(\d{2,5})"\s*\)|\)\s*\|\|\s*"(\d{2,5})")|\bport:\s*(\d{2,5})\b/;

const uniq = (xs: string[]): string[] => [...new Set(xs)];

/** The dependency atoms of mix.exs: `{:phoenix, "~> 1.7"}` → 'phoenix'. */
export const mixDeps = (mixExs: string): string[] => uniq([...mixExs.matchAll(/\{\s*:([a-z][a-z0-9_]*)\s*,/g)].map((m) => m[1]!)).filter((d) => d !== 'elixir');

/** '1.17.3-otp-27' or '~> 1.15' → '1.17' / '1.15'. */
const minor = (text: string): string | null => /(\d+)\.(\d+)/.exec(text)?.slice(1, 3).join('.') ?? null;

function version(repo: RepoView, dir: string, mixFile: string, mix: string): Fact<string> {
  const tv = joinRel(dir, '.tool-versions');
  const line = (repo.read(tv) ?? '').split('\n').findIndex((l) => /^\s*elixir\s+\d/.test(l));
  const fromTool = line >= 0 ? minor((repo.read(tv) ?? '').split('\n')[line]!) : null;
  if (fromTool) return fact(fromTool, `${tv}:${line + 1}`);
  const req = /\belixir:\s*"([^"]+)"/.exec(mix);
  const fromMix = req ? minor(req[1]!) : null;
  if (fromMix) return fact(fromMix, repo.locate(mixFile, /\belixir:\s*"/) ?? mixFile);
  return byDefault(DEFAULT_ELIXIR);
}

export const elixirDetector: LanguageDetector = {
  language: 'elixir',
  matches: (repo, dir) => repo.exists(joinRel(dir, 'mix.exs')),
  detect(repo, dir) {
    const rel = (f: string) => joinRel(dir, f);
    const mixFile = rel('mix.exs');
    const mix = repo.read(mixFile) ?? '';
    const deps = mixDeps(mix);
    const depLine = (dep: string) => repo.locate(mixFile, new RegExp(`\\{\\s*:${dep}\\s*,`)) ?? mixFile;
    const code = repo.walk(dir, { extensions: ['.ex', '.exs'] }).filter((f) => {
      const inner = dir === '.' ? f : f.slice(dir.length + 1);
      return inner === 'mix.exs' || inner.startsWith('lib/') || inner.startsWith('config/');
    });
    const extra = ENV_AND_DOCKER.map(rel).filter((f) => repo.exists(f));
    const lock = rel('mix.lock');
    const facts: LanguageFacts = {
      language: 'elixir',
      languageVersion: version(repo, dir, mixFile, mix),
      packageManager: fact('mix', mixFile),
      lockfile: repo.exists(lock) ? fact('mix.lock', lock) : byDefault(null),
      dependencies: deps,
      sourceFiles: uniq([...code, ...extra]),
    };
    const app = /\bapp:\s*:([a-z][a-z0-9_]*)/.exec(mix)?.[1];
    const listens = code.find((f) => f !== mixFile && LISTENS.test(repo.read(f) ?? ''));
    const server = SERVER_DEPS.find((d) => deps.includes(d));
    if (/\bapps_path:/.test(mix) || !app || (!/\bmod:\s*\{/.test(mix) && !server && !listens)) {
      facts.library = true;
      return facts;
    }
    const appSource = repo.locate(mixFile, /\bapp:\s*:/) ?? mixFile;
    facts.entry = fact(app, appSource);
    const phoenix = deps.includes('phoenix');
    facts.framework = phoenix ? fact('phoenix', depLine('phoenix')) : deps.includes('plug_cowboy') || deps.includes('bandit') ? fact('plug', depLine(deps.includes('plug_cowboy') ? 'plug_cowboy' : 'bandit')) : byDefault(null);
    facts.build = phoenix && repo.isDir(rel('assets')) ? fact('mix assets.deploy && mix release', rel('assets')) : fact('mix release', appSource);
    facts.start = fact([`bin/${app}`, 'start'], appSource);
    if (!server && !listens) {
      facts.worker = true;
      facts.port = fact(null, appSource);
      return facts;
    }
    for (const f of code.filter((c) => c.includes('config/') || c.includes('lib/'))) {
      const loc = repo.locate(f, PORT_LINE);
      if (!loc) continue;
      const m = PORT_LINE.exec((repo.read(f) ?? '').split('\n')[Number(loc.slice(loc.lastIndexOf(':') + 1)) - 1]!)!;
      facts.port = fact(Number(m[1] ?? m[2] ?? m[3]), loc);
      return facts;
    }
    if (phoenix) facts.port = fact(PHOENIX_PORT, depLine('phoenix'));
    return facts;
  },
};
