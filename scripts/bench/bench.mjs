// `npm run bench`: how long `containerize --yes` takes on synthetic repositories of 1, 10,
// 100 and 500 services, as a whole process (median and spread of several runs, peak memory),
// plus the `yo containerize` path and a no-op re-run, and where the time goes (start-up and
// imports, detection, rendering, validation, the rest: Yeoman's run loop and writing).
//
// Usage: node scripts/bench/bench.mjs [--sizes 1,10,100,500] [--runs 3] [--write docs/benchmarks.md] [--root DIR]
//        (--root: bench another built checkout, e.g. an older commit, on the same synthetic repositories)
//        node scripts/bench/bench.mjs --make-repo N   (only make a synthetic repository of N
//        services, print its path and keep it: for profiling, e.g. node --cpu-prof dist/bin/containerize.js --yes)
// Needs `npm run build` first (npm run bench does it) and GNU time (/usr/bin/time) for peak memory.
//
// Each synthetic service is a copy of one of the detector fixtures (test/fixtures/languages),
// in turn, so the languages are mixed; every service also gets what real repositories carry
// and detection must skip: node_modules with packages in it, a virtualenv, build output.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const self = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// --root DIR: time another built checkout (e.g. the commit before a change) with this bench.
const root = opt('root', self);
const dist = join(root, 'dist');
const bin = join(dist, 'bin', 'containerize.js');
const sizes = opt('sizes', '1,10,100,500').split(',').map(Number);
const runs = Number(opt('runs', '3'));
const writeTo = opt('write', null);
if (args.includes('--help') || args.includes('-h')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 14).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
if (!existsSync(bin)) {
  console.error('dist/ is missing: run npm run build (npm run bench does)');
  process.exit(1);
}
if (!existsSync('/usr/bin/time')) {
  console.error('GNU time (/usr/bin/time) is missing: it measures each run\'s peak memory and CPU time. On Debian or Ubuntu: apt-get install time');
  process.exit(1);
}

/** Fixtures that --yes takes as they are (one service each, every value known). */
const TEMPLATES = ['node-express-npm', 'python-fastapi-uv', 'go-nethttp', 'java-spring-maven', 'ruby-sinatra-rack', 'php-slim', 'rust-axum', 'python-flask-gunicorn', 'node-fastify-yarn', 'go-worker'];

function makeRepo(n) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${n}-`));
  const repo = join(dir, 'bench');
  mkdirSync(repo);
  for (let i = 0; i < n; i++) {
    const template = TEMPLATES[i % TEMPLATES.length];
    const svc = join(repo, 'services', `svc${String(i).padStart(3, '0')}`);
    cpSync(join(self, 'test', 'fixtures', 'languages', template), svc, { recursive: true });
    // What detection must not read: installed packages, a virtualenv, build output.
    for (const [folder, files] of [
      ['node_modules/left-pad', 30],
      ['node_modules/@scope/pkg/lib', 30],
      ['.venv/lib/python3.12/site-packages/requests', 30],
      ['dist', 10],
      ['target/classes', 10],
    ]) {
      mkdirSync(join(svc, folder), { recursive: true });
      for (let f = 0; f < files; f++) writeFileSync(join(svc, folder, `f${f}.js`), `module.exports = process.env.NOT_READ_${f} || 'x';\n`);
    }
  }
  return { dir, repo };
}

if (opt('make-repo', null) !== null) {
  const { repo } = makeRepo(Number(opt('make-repo')));
  spawnSync('git', ['init', '-q'], { cwd: repo });
  console.log(repo);
  process.exit(0);
}

/** One timed process: wall ms, peak RSS (KiB) and CPU time (user + sys, ms) from GNU time. */
function timed(cmd, cmdArgs, cwd, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...cmdArgs], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...extraEnv } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${r.status}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  const [kib, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms, kib, cpuMs: (user + sys) * 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => Math.max(...xs) - Math.min(...xs);
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** Where the time of one --yes run goes, measured in this process on the same repository. */
async function breakdown(repo) {
  const t = {};
  // Start-up: `containerize --help` as a whole process imports what a run of app imports
  // (the environment, the generator base, the app generator) and does no work; median of 3.
  const helps = [0, 1, 2].map(() => timed(process.execPath, [bin, '--help'], root).ms);
  t.imports = median(helps);
  const { detectStack, toModel } = await import(pathToFileURL(join(dist, 'lib', 'detect', 'stack.js')).href);
  const { canonical } = await import(pathToFileURL(join(dist, 'lib', 'model', 'merge.js')).href);
  const { validateOutputs } = await import(pathToFileURL(join(dist, 'lib', 'validate', 'outputs.js')).href);
  // CPU time (user + system) of each step: the steps are synchronous, so on an idle machine
  // it is their wall time, and on a busy one it does not count the waiting for a core.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let c0 = cpu();
  const detection = detectStack(repo);
  t.detection = cpu() - c0;
  const model = canonical(toModel(detection));
  const stages = ['dockerfile', 'compose', 'dev', 'ci', 'cd', 'kubernetes', 'helm', 'docs'];
  const modules = [];
  for (const s of stages) modules.push(await import(pathToFileURL(join(dist, 'generators', s, 'files.js')).href));
  const outputs = [];
  c0 = cpu();
  for (const { files } of modules) outputs.push(files(model));
  t.render = cpu() - c0;
  c0 = cpu();
  for (const o of outputs) validateOutputs(o);
  t.validate = cpu() - c0;
  t.files = outputs.reduce((n, o) => n + o.length, 0);
  return t;
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB (${Math.round(freemem() / 2 ** 30)} GiB free), Node ${process.version}, ${process.platform}`;
console.log(`bench: ${machine}; ${runs} runs per size`);
const rows = [];
for (const n of sizes) {
  const { dir, repo } = makeRepo(n);
  try {
    // First on the fresh repository: the yo path (as nobody when this runs as root).
    // The yo path: yo finds generators in the global node_modules, as after `npm link` (a
    // symlink to this checkout), here under a prefix of the bench's own.
    const yo = join(root, 'node_modules', 'yo', 'lib', 'cli.js');
    mkdirSync(join(dir, 'prefix', 'lib', 'node_modules'), { recursive: true });
    spawnSync('ln', ['-sfn', root, join(dir, 'prefix', 'lib', 'node_modules', 'generator-containerize')]);
    // yo refuses to run as root (it downgrades itself to "nobody"): as root, run it as nobody.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) spawnSync('chown', ['-R', 'nobody:nogroup', dir]);
    const yoCmd = asRoot ? ['runuser', ['-u', 'nobody', '--', process.execPath, yo]] : [process.execPath, [yo]];
    const y = existsSync(yo) ? timed(yoCmd[0], [...yoCmd[1], 'containerize', '--yes', '--force', '--no-insight'], repo, { npm_config_prefix: join(dir, 'prefix'), HOME: join(dir, 'prefix') }) : null;
    const yoMs = y ? y.ms : null;
    rmSync(join(repo, '.yo-rc.json'), { force: true });
    const first = [];
    const again = [];
    for (let r = 0; r < runs; r++) {
      rmSync(join(repo, '.yo-rc.json'), { force: true });
      // A fresh scaffold each time: remove what the previous run wrote.
      spawnSync('git', ['init', '-q'], { cwd: repo });
      first.push(timed(process.execPath, [bin, '--yes', '--force'], repo));
      again.push(timed(process.execPath, [bin, '--yes'], repo));
    }
    const b = await breakdown(repo);
    const row = {
      services: n,
      files: b.files,
      median: median(first.map((x) => x.ms)),
      spread: spread(first.map((x) => x.ms)),
      peakMiB: Math.max(...first.map((x) => x.kib)) / 1024,
      cpu: median(first.map((x) => x.cpuMs)),
      rerun: median(again.map((x) => x.ms)),
      yo: yoMs,
      ...b,
    };
    rows.push(row);
    console.log(
      `${String(n).padStart(4)} services: ${fmt(row.median)} (±${fmt(row.spread / 2)}), CPU ${fmt(row.cpu)}, peak ${row.peakMiB.toFixed(0)} MiB, no-op re-run ${fmt(row.rerun)}${row.yo ? `, yo ${fmt(row.yo)}` : ''}; imports ${fmt(b.imports)}, detection ${fmt(b.detection)}, render ${fmt(b.render)}, validate ${fmt(b.validate)}, ${b.files} files`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (writeTo) {
  const path = join(root, writeTo);
  const table = [
    '| services | files | `containerize --yes` (median) | spread | CPU (user+sys) | peak memory | no-op re-run | `yo containerize` | start-up (`--help`) | detection | render | validate |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.services} | ${r.files} | ${fmt(r.median)} | ${fmt(r.spread)} | ${fmt(r.cpu)} | ${r.peakMiB.toFixed(0)} MiB | ${fmt(r.rerun)} | ${r.yo ? fmt(r.yo) : 'n/a'} | ${fmt(r.imports)} | ${fmt(r.detection)} | ${fmt(r.render)} | ${fmt(r.validate)} |`),
  ].join('\n');
  const marker = '<!-- bench:latest -->';
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const section = `${marker}\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine}, ${runs} runs per size:\n\n${table}\n${marker}`;
  const out = before.includes(marker) ? before.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), section) : `${before}\n${section}\n`;
  writeFileSync(path, out);
  console.log(`wrote ${writeTo}`);
}
