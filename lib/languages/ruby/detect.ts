/**
 * Ruby (Bundler) detector.
 *
 * Conventions:
 * - The image runs `bundle install` (honouring Gemfile.lock), then `start` in the
 *   service folder. `start` always goes through `bundle exec`.
 * - A Procfile `web:` line wins. `$PORT` / `${PORT}` / `${PORT:-N}` in it are replaced
 *   by the detected port (N, puma.rb's port when it runs puma with it, the framework
 *   default, or foreman's 5000 when nothing else is known) so the command needs no shell;
 *   a command that still needs one (&&, pipes, VAR=x prefixes) runs as ['sh', '-c', cmd].
 * - Rails: puma with config/puma.rb when both exist (port from its `port` line, 3000
 *   otherwise), else `rails server -b 0.0.0.0` on 3000. Build: assets:precompile when
 *   the app has assets and is not API-only (SECRET_KEY_BASE_DUMMY=1 lets Rails >= 7.1
 *   precompile without credentials; older Rails ignore it).
 * - Rack apps with config.ru (modular Sinatra, Roda, Hanami without puma.rb, plain Rack):
 *   `rackup --host 0.0.0.0 -p 9292` when the bundle has a rackup executable (the rackup
 *   gem, or rack < 3 which shipped it), else `puma -b tcp://0.0.0.0:9292` when puma is
 *   bundled, else rackup anyway. Hanami defaults to 2300.
 * - Classic Sinatra (no config.ru): `ruby <app.rb> -o 0.0.0.0 -p 4567`.
 * - No web framework: a worker (sidekiq, resque, a Procfile process, or a main script);
 *   a gem (*.gemspec) with nothing runnable is a library.
 * - languageVersion keeps an exact pin as written ('3.3.0'): Bundler refuses to run on
 *   another patch release when the Gemfile pins one. Then .ruby-version, .tool-versions, the
 *   Gemfile.lock's RUBY VERSION (exact), and last a Gemfile constraint ('~> 3.2' gives major.minor).
 */
import { hasProcess, procfileProcesses } from '../../detect/project.js';
import { joinRel } from '../../detect/repo.js';
import { byDefault, fact } from '../../detect/types.js';
import type { Fact, LanguageDetector, LanguageFacts, RepoView } from '../../detect/types.js';
import { defaultLanguageVersion } from '../../catalog/images.js';
import { vocabulary } from '../types.js';

/** When the repository states no version: the pin's (templates/images.Dockerfile), so a bump of the pin moves it. */
const DEFAULT_RUBY = defaultLanguageVersion('ruby');

/** The frameworks and package managers this pack knows (what the detector writes into the model), as literal unions. */
export const RUBY = vocabulary(['hanami', 'rails', 'roda', 'sinatra'] as const, ['bundler'] as const);
export type RubyFramework = (typeof RUBY.frameworks)[number];
export const { framework: rubyFramework, packageManager: rubyPackageManager } = RUBY;
const ENV_AND_DOCKER = ['.env.example', '.env.sample', 'Procfile', 'Dockerfile'];
const WORKER_GEMS = ['sidekiq', 'resque', 'good_job', 'delayed_job', 'delayed_job_active_record', 'sneakers', 'shoryuken', 'racecar', 'karafka', 'que', 'solid_queue'];
const MAIN_CANDIDATES = ['app.rb', 'main.rb', 'server.rb', 'application.rb', 'web.rb', 'worker.rb', 'run.rb'];
/** Folders whose .rb files are tests or migrations, not runtime code. */
const NOT_RUNTIME = ['spec', 'test', 'features', 'db/migrate'];

const uniq = (xs: string[]): string[] => [...new Set(xs)];

interface Gem {
  name: string;
  line: number;
  devOnly: boolean;
}

interface Gemfile {
  file: string;
  gems: Gem[];
  ruby: { raw: string; line: number } | null;
}

function parseGemfile(repo: RepoView, dir: string): Gemfile {
  const file = joinRel(dir, 'Gemfile');
  const lines = (repo.read(file) ?? '').split('\n');
  const gems: Gem[] = [];
  let ruby: Gemfile['ruby'] = null;
  // Stack of open `do` blocks; a group block records whether it is development/test only.
  const blocks: boolean[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    const groupDo = /^\s*group\s+(.+?)\s+do\b/.exec(line);
    if (groupDo) {
      const names = [...groupDo[1]!.matchAll(/:(\w+)|["'](\w+)["']/g)].map((m) => m[1] ?? m[2]!);
      blocks.push(names.length > 0 && names.every((n) => n === 'development' || n === 'test'));
      return;
    }
    if (/\bdo\s*(\|[^|]*\|)?\s*$/.test(line)) {
      blocks.push(false);
      return;
    }
    if (/^\s*end\b/.test(line)) {
      blocks.pop();
      return;
    }
    const gem = /^\s*gem(?:\s+|\s*\(\s*)["']([^"']+)["'](.*)$/.exec(line);
    if (gem) {
      const inlineGroup = /group(?:s)?:\s*(\[[^\]]*\]|:\w+)/.exec(gem[2]!);
      const inlineDev = inlineGroup ? [...inlineGroup[1]!.matchAll(/:(\w+)/g)].every((m) => m[1] === 'development' || m[1] === 'test') : false;
      gems.push({ name: gem[1]!, line: i + 1, devOnly: blocks.some(Boolean) || inlineDev });
      return;
    }
    const r = /^\s*ruby\s+["']([^"']+)["']/.exec(line);
    if (r && !ruby) ruby = { raw: r[1]!, line: i + 1 };
  });
  return { file, gems, ruby };
}

/** '3.3.0' → exact '3.3.0'; '~> 3.2' / '>= 3.1' → '3.2' / '3.1'; 'ruby-3.3.0p0' → '3.3.0'. */
function rubyVersion(raw: string): { version: string; exact: boolean } | null {
  const m = /(\d+\.\d+)(\.\d+)?/.exec(raw);
  if (!m) return null;
  const exact = !/[~<>=]/.test(raw);
  return { version: exact && m[2] ? m[1]! + m[2] : m[1]!, exact };
}

function detectVersion(repo: RepoView, dir: string, gemfile: Gemfile): Fact<string> {
  const gemRuby = gemfile.ruby ? rubyVersion(gemfile.ruby.raw) : null;
  if (gemRuby?.exact) return fact(gemRuby.version, `${gemfile.file}:${gemfile.ruby!.line}`);
  const rv = joinRel(dir, '.ruby-version');
  const rvText = repo.read(rv);
  const fromFile = rvText ? rubyVersion(rvText.trim().split('\n')[0]!.replace(/^ruby-/, '')) : null;
  if (fromFile) return fact(fromFile.version, `${rv}:1`);
  const tv = joinRel(dir, '.tool-versions');
  const tvLoc = repo.locate(tv, /^\s*ruby\s+\d/);
  if (tvLoc) {
    const line = (repo.read(tv) ?? '').split('\n')[Number(tvLoc.split(':').pop()) - 1]!;
    const v = rubyVersion(line.trim().split(/\s+/)[1] ?? '');
    if (v) return fact(v.version, tvLoc);
  }
  // Gemfile.lock records the exact Ruby the bundle was resolved with: it beats a Gemfile range.
  const lock = joinRel(dir, 'Gemfile.lock');
  const lockLines = (repo.read(lock) ?? '').split('\n');
  const idx = lockLines.findIndex((l) => /^RUBY VERSION/.test(l));
  if (idx >= 0 && lockLines[idx + 1]) {
    const v = rubyVersion(lockLines[idx + 1]!.trim().replace(/^ruby\s+/, '').replace(/p\d+$/, ''));
    if (v) return fact(v.version, `${lock}:${idx + 2}`);
  }
  if (gemRuby) return fact(gemRuby.version, `${gemfile.file}:${gemfile.ruby!.line}`);
  return byDefault(DEFAULT_RUBY);
}

/** Splits a command line on whitespace, honouring simple quotes. */
function splitArgs(cmd: string): string[] {
  const out: string[] = [];
  for (const m of cmd.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** Port a command line pins (-p 5000, --port=5000, ${PORT:-5000}, tcp://0.0.0.0:5000), or null. */
function portInCommand(cmd: string): number | null {
  const m =
    /\$\{PORT:-(\d+)\}/.exec(cmd) ??
    /(?:^|\s)(?:-p|--port)(?:\s+|=)(\d+)\b/.exec(cmd) ??
    /tcp:\/\/[^\s:]*:(\d+)/.exec(cmd);
  return m ? Number(m[1]) : null;
}

/** Exec-form argv for a Procfile command, with PORT references replaced by `port`. */
function procfileArgv(cmd: string, port: number | null): string[] {
  const filled = port === null ? cmd : cmd.replace(/\$\{PORT:-\d+\}|\$\{PORT\}|\$PORT\b/g, String(port));
  if (/[;&|<>`$]|^\s*\w+=/.test(filled)) return ['sh', '-c', filled];
  return splitArgs(filled);
}

function procfile(repo: RepoView, dir: string): Array<{ name: string; cmd: string; source: string }> {
  const file = joinRel(dir, 'Procfile');
  const text = repo.read(file);
  if (text === null) return [];
  return text
    .split('\n')
    .map((l, i) => ({ m: /^([\w-]+):\s*(.+?)\s*$/.exec(l), i }))
    .filter((x) => x.m)
    .map(({ m, i }) => ({ name: m![1]!, cmd: m![2]!, source: `${file}:${i + 1}` }));
}

/** Port from config/puma.rb (`port ENV.fetch("PORT") { 3000 }`, `bind "tcp://0.0.0.0:3000"`). */
function pumaPort(repo: RepoView, dir: string): Fact<number> | null {
  const file = joinRel(dir, 'config/puma.rb');
  const lines = (repo.read(file) ?? '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, '');
    const port = /^\s*port\b.*?(\d{2,5})\D*$/.exec(line) ?? /^\s*bind\b.*tcp:\/\/[^:]*:(\d{2,5})/.exec(line);
    if (port) return fact(Number(port[1]), `${file}:${i + 1}`);
  }
  return null;
}

export const rubyDetector: LanguageDetector = {
  language: 'ruby',
  matches: (repo, dir) => repo.exists(joinRel(dir, 'Gemfile')),
  detect(repo, dir) {
    const gemfile = parseGemfile(repo, dir);
    const runtimeGems = gemfile.gems.filter((g) => !g.devOnly);
    const gemLine = (name: string) => gemfile.gems.find((g) => g.name === name);
    const gemSource = (name: string) => `${gemfile.file}:${gemLine(name)!.line}`;
    const lockFile = joinRel(dir, 'Gemfile.lock');
    const lockText = repo.read(lockFile) ?? '';
    const bundled = (name: string) => !!gemLine(name) || new RegExp(`^ {4}${name} \\(`, 'm').test(lockText);
    const rel = (f: string) => joinRel(dir, f);

    const files = repo
      .walk(dir, { extensions: ['.rb', '.ru', '.yml', '.yaml'] })
      .filter((f) => {
        const inner = dir === '.' ? f : f.slice(dir.length + 1);
        if (NOT_RUNTIME.some((p) => inner === p || inner.startsWith(`${p}/`))) return false;
        return f.endsWith('.rb') || f.endsWith('.ru') || inner.startsWith('config/');
      });
    const extra = ['Gemfile', ...ENV_AND_DOCKER].map(rel).filter((f) => repo.exists(f));
    const sourceFiles = uniq([...files, ...extra]);

    const facts: LanguageFacts = {
      language: 'ruby',
      languageVersion: detectVersion(repo, dir, gemfile),
      packageManager: fact('bundler', gemfile.file),
      lockfile: repo.exists(lockFile) ? fact('Gemfile.lock', lockFile) : byDefault(null),
      dependencies: uniq(runtimeGems.map((g) => g.name)),
      sourceFiles,
    };

    // Framework
    const appRb = rel('config/application.rb');
    let framework: Fact<string | null> = byDefault(null);
    if (repo.exists(appRb)) framework = fact('rails', repo.locate(appRb, /require\s+["']rails/) ?? appRb);
    else if (gemLine('rails') || gemLine('railties')) framework = fact('rails', gemSource(gemLine('rails') ? 'rails' : 'railties'));
    else {
      for (const name of ['hanami', 'sinatra', 'roda']) {
        if (gemLine(name)) {
          framework = fact(name, gemSource(name));
          break;
        }
      }
    }
    facts.framework = framework;
    const fw = framework.value;

    const configRu = rel('config.ru');
    const hasConfigRu = repo.exists(configRu);
    const pumaRb = rel('config/puma.rb');
    const usePuma = repo.exists(pumaRb) && bundled('puma');
    const procs = procfile(repo, dir);
    const web = procs.find((p) => p.name === 'web');

    // Top-level main script (classic Sinatra, plain scripts, workers).
    const topRb = repo.list(dir).filter((n) => n.endsWith('.rb') && repo.exists(rel(n)));
    const dirName = dir === '.' ? '' : dir.split('/').pop()!;
    const mainFile =
      [...MAIN_CANDIDATES, `${dirName}.rb`].find((n) => topRb.includes(n)) ?? (topRb.length === 1 ? topRb[0]! : null);

    const webDefault = fw === 'rails' ? 3000 : fw === 'hanami' ? 2300 : hasConfigRu ? 9292 : fw === 'sinatra' ? 4567 : null;
    if (web) {
      const pinned = portInCommand(web.cmd);
      const viaPuma = /\bpuma\b/.test(web.cmd) && repo.exists(pumaRb) ? (pumaPort(repo, dir) ?? byDefault(9292)) : null;
      const port: Fact<number> = pinned ? fact(pinned, web.source) : (viaPuma ?? byDefault(webDefault ?? 5000));
      facts.start = fact(procfileArgv(web.cmd, port.value), web.source);
      facts.port = port;
      facts.entry = hasConfigRu ? fact('config.ru', configRu) : byDefault(null);
    } else if (fw === 'rails' || fw === 'hanami' || hasConfigRu) {
      if (usePuma) {
        facts.start = fact(['bundle', 'exec', 'puma', '-C', 'config/puma.rb'], pumaRb);
        // Puma itself defaults to 9292 when config/puma.rb sets no port.
        facts.port = pumaPort(repo, dir) ?? byDefault(9292);
      } else if (fw === 'rails') {
        facts.start = fact(['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0'], framework.source);
        facts.port = byDefault(3000);
      } else if (fw === 'hanami' && !hasConfigRu) {
        facts.start = fact(['bundle', 'exec', 'hanami', 'server', '--host', '0.0.0.0', '--port', '2300'], framework.source);
        facts.port = byDefault(2300);
      } else {
        const port = fw === 'hanami' ? 2300 : 9292;
        const rackup = bundled('rackup') || /^ {4}rack \([12]\./m.test(lockText) || !bundled('puma');
        facts.start = rackup
          ? fact(['bundle', 'exec', 'rackup', '--host', '0.0.0.0', '-p', String(port)], configRu)
          : fact(['bundle', 'exec', 'puma', '-b', `tcp://0.0.0.0:${port}`], configRu);
        facts.port = byDefault(port);
      }
      facts.entry = hasConfigRu ? fact('config.ru', configRu) : byDefault(null);
    } else if (fw === 'sinatra' && mainFile) {
      const main = rel(mainFile);
      const set = repo.locate(main, /set\s*\(?\s*:port\s*,.*?\d{2,5}/);
      const setPort = set ? Number(/(\d{2,5})/.exec((repo.read(main) ?? '').split('\n')[Number(set.split(':').pop()) - 1]!)![1]) : null;
      const port = setPort ?? 4567;
      facts.start = fact(['bundle', 'exec', 'ruby', mainFile, '-o', '0.0.0.0', '-p', String(port)], repo.locate(main, /require\s+["']sinatra/) ?? main);
      facts.port = set ? fact(port, set) : byDefault(4567);
      facts.entry = fact(mainFile, main);
    } else {
      // No web framework: a worker, or a library gem.
      const workerProc = procs.find((p) => p.name !== 'web' && p.name !== 'release');
      const workerGem = WORKER_GEMS.find((g) => runtimeGems.some((x) => x.name === g));
      const gemspec = repo.list(dir).find((n) => n.endsWith('.gemspec'));
      if (workerProc) {
        facts.start = fact(procfileArgv(workerProc.cmd, null), workerProc.source);
      } else if (workerGem === 'sidekiq') {
        const required = topRb.find((n) => /require\s+["']sidekiq/.test(repo.read(rel(n)) ?? ''));
        const args = ['bundle', 'exec', 'sidekiq'];
        if (repo.exists(rel('config/sidekiq.yml'))) args.push('-C', 'config/sidekiq.yml');
        if (required) args.push('-r', `./${required}`);
        facts.start = fact(args, gemSource('sidekiq'));
        if (required) facts.entry = fact(required, rel(required));
      } else if (workerGem === 'resque') {
        facts.start = fact(['bundle', 'exec', 'rake', 'resque:work'], gemSource('resque'));
      } else if (mainFile) {
        facts.start = fact(['bundle', 'exec', 'ruby', mainFile], rel(mainFile));
        facts.entry = fact(mainFile, rel(mainFile));
      } else if (workerGem) {
        facts.start = fact(['bundle', 'exec', 'rake', 'jobs:work'], gemSource(workerGem));
      }
      if (facts.start) {
        facts.worker = true;
        facts.port = fact(null, facts.start.source);
      } else {
        facts.library = true;
        if (gemspec) facts.entry = fact(gemspec, rel(gemspec));
      }
    }

    // The folder's other processes: the Procfile's other lines, then the job backends a web app bundles.
    const mainProc = web ? 'web' : fw === null && facts.start ? (procs.find((p) => p.name !== 'web' && p.name !== 'release' && facts.start!.source === p.source)?.name ?? null) : null;
    const processes = procfileProcesses(procs, mainProc, (cmd) => procfileArgv(cmd, null));
    const runs = (re: RegExp) => re.test((facts.start?.value ?? []).join(' ')) || hasProcess(processes, re);
    if (fw !== null && !facts.worker) {
      const name = () => (processes.some((p) => p.name === 'worker') ? null : 'worker');
      const job = (gem: string, re: RegExp, argv: string[]) => {
        if (!runtimeGems.some((g) => g.name === gem) || runs(re)) return;
        processes.push({ name: name() ?? gem.replace(/_/g, '-'), start: fact(argv, gemSource(gem)), release: false, port: fact(null, gemSource(gem)) });
      };
      job('sidekiq', /\bsidekiq\b/, ['bundle', 'exec', 'sidekiq', ...(repo.exists(rel('config/sidekiq.yml')) ? ['-C', 'config/sidekiq.yml'] : [])]);
      job('good_job', /\bgood_job\b/, ['bundle', 'exec', 'good_job', 'start']);
      job('solid_queue', /\bsolid_queue\b|\bbin\/jobs\b/, ['bundle', 'exec', 'rake', 'solid_queue:start']);
      job('delayed_job_active_record', /\bjobs:work\b|\bdelayed_job\b/, ['bundle', 'exec', 'rake', 'jobs:work']);
      job('resque', /\bresque\b/, ['bundle', 'exec', 'rake', 'resque:work']);
      // Action Cable on a server of its own (the Rails guide's cable/config.ru, on port 28080).
      const cable = rel('cable/config.ru');
      if (repo.exists(cable) && !runs(/cable\/config\.ru/))
        processes.push({ name: 'cable', start: fact(['bundle', 'exec', 'puma', '-p', '28080', 'cable/config.ru'], cable), release: false, port: byDefault(28080) });
    }
    facts.processes = processes;

    // Build: Rails asset precompilation when the app has assets and is not API-only.
    if (fw === 'rails') {
      const apiOnly = repo.locate(appRb, /config\.api_only\s*=\s*true/);
      const assetGem = ['propshaft', 'sprockets-rails', 'sprockets', 'cssbundling-rails', 'jsbundling-rails', 'importmap-rails', 'tailwindcss-rails', 'dartsass-rails'].find(
        (g) => gemLine(g),
      );
      const assetDir = ['app/assets', 'app/javascript'].map(rel).find((d) => repo.isDir(d));
      if (!apiOnly && (assetGem || assetDir)) {
        facts.build = fact('SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile', assetGem ? gemSource(assetGem) : assetDir!);
      } else {
        facts.build = apiOnly ? fact(null, apiOnly) : byDefault(null);
      }
    } else {
      facts.build = byDefault(null);
    }
    return facts;
  },
};
