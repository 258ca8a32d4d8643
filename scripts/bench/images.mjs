// `npm run bench:images`: what the images we write cost, per service of examples/taskboard,
// side by side with the plain single-stage Dockerfile people write by hand for the same
// service on the same base (copy everything, install, run): image size, cold build (no layer
// reused) and warm rebuild after a one-line source change. Prints a table and, with --write,
// puts it into docs/benchmarks.md between <!-- bench:images --> markers.
//
// Usage: node scripts/bench/images.mjs [--runs 1] [--services web,api,stats,worker] [--write docs/benchmarks.md]
// Needs `npm run build` (npm run bench:images does it), podman, and the stand-in base images
// of scripts/e2e/base-images.sh (no registry is reachable on the test machines). With
// PODMAN_LOCK=/path, every podman call runs under `flock PATH` (machines where several people
// share podman). It removes the tags and layer images it made, and no other.
//
// Method, per service and run, for each of the two Dockerfiles (ours, plain):
//   1. a build on a fresh copy of the service (untimed; fills the layer cache),
//   2. warm: one comment line appended to the main source file, the same build, timed,
//   3. cold: `podman build --no-cache`, timed (last: a --no-cache build leaves second copies of
//      layers, which can make buildah miss the cache in a later build),
//   size: `podman image inspect --format {{.Size}}` of the image of step 2.
// Cache mounts (npm, Go module and build caches) live on the machine between builds and are
// not emptied: a cold build of ours may find them warm. The plain Dockerfiles use none.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
if (args.includes('--help') || args.includes('-h')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const runs = Number(opt('runs', '1'));
const writeTo = opt('write', null);
const lock = process.env.PODMAN_LOCK;
const bin = join(root, 'dist', 'bin', 'containerize.js');
const example = join(root, 'examples', 'taskboard');

/**
 * Each service: the file a one-line change goes into, its comment syntax, and the plain
 * single-stage Dockerfile (the base is the language image a hand-written one starts from:
 * our build stage's base, since a single stage must build and run).
 */
const SERVICES = {
  web: {
    touch: ['server.js', '// bench: a one-line source change'],
    plain: ['FROM node:22-bookworm-slim', 'WORKDIR /app', 'COPY . .', 'RUN npm install', 'EXPOSE 3000', 'CMD ["node", "server.js"]'],
  },
  api: {
    touch: ['app.py', '# bench: a one-line source change'],
    plain: ['FROM python:3.11-slim-bookworm', 'WORKDIR /app', 'COPY . .', 'RUN pip install -r requirements.txt', 'EXPOSE 8000', 'CMD ["python", "app.py"]'],
  },
  stats: {
    touch: ['main.go', '// bench: a one-line source change'],
    plain: ['FROM golang:1.22-bookworm', 'WORKDIR /app', 'COPY . .', 'RUN go build -o /app/stats .', 'EXPOSE 8080', 'CMD ["/app/stats"]'],
  },
  worker: {
    touch: ['main.go', '// bench: a one-line source change'],
    plain: ['FROM golang:1.22-bookworm', 'WORKDIR /app', 'COPY . .', 'RUN go build -o /app/worker .', 'CMD ["/app/worker"]'],
  },
};
const names = opt('services', Object.keys(SERVICES).join(',')).split(',');

/** podman, under the shared lock when PODMAN_LOCK says so. */
function podman(podmanArgs, { allowFail = false, env = {} } = {}) {
  const [cmd, cmdArgs] = lock ? ['flock', [lock, 'podman', ...podmanArgs]] : ['podman', podmanArgs];
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  if (r.status !== 0 && !allowFail) throw new Error(`podman ${podmanArgs.join(' ')} exited ${r.status}\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`);
  return r;
}

/** Layer images a build made (not those it took from the cache), as test/e2e/podman.ts reads them. */
function builtImageIds(output) {
  const ids = [];
  let reused = false;
  for (const line of output.split('\n')) {
    if (/^--> Using cache /.test(line)) {
      reused = true;
      continue;
    }
    const m = /^--> ([0-9a-f]{11,64})$/.exec(line);
    if (m) {
      if (!reused && !ids.includes(m[1])) ids.push(m[1]);
      reused = false;
    }
  }
  return ids;
}

const made = { tags: new Set(), layers: new Set() };

/**
 * One podman build, timed by the shell around it. Under PODMAN_LOCK the lock is taken before
 * the clock starts: waiting for someone else's build is not build time.
 */
function build(context, dockerfile, tag, extra = []) {
  const buildArgs = ['build', ...extra, '-f', dockerfile, '-t', tag, context];
  const script = `${lock ? 'exec 9>"$LOCK"; flock 9; ' : ''}start=$(date +%s%N); podman "$@" 2>&1; status=$?; end=$(date +%s%N); echo "BENCH-MS $(( (end - start) / 1000000 ))"; exit $status`;
  const timed = spawnSync('sh', ['-c', script, 'sh', ...buildArgs], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, BUILDAH_FORMAT: 'docker', LOCK: lock ?? '' },
  });
  const out = timed.stdout ?? '';
  const ms = Number(/BENCH-MS (\d+)/.exec(out)?.[1]);
  if (timed.status !== 0) throw new Error(`podman ${buildArgs.join(' ')} exited ${timed.status}\n${out.slice(-4000)}`);
  made.tags.add(tag);
  for (const id of builtImageIds(out)) made.layers.add(id);
  return { ms, out };
}

function sizeMB(tag) {
  return Number(podman(['image', 'inspect', '--format', '{{.Size}}', tag]).stdout.trim()) / 1e6;
}

function cleanup() {
  for (const tag of made.tags) podman(['rmi', '-f', tag], { allowFail: true });
  // Our layer images, newest first (a child before its parent); one another build now uses stays.
  for (const id of [...made.layers].reverse()) podman(['rmi', id], { allowFail: true });
}

if (!existsSync(bin)) {
  console.error('dist/ is missing: run npm run build (npm run bench:images does)');
  process.exit(1);
}
const bases = [...new Set(names.flatMap((n) => [SERVICES[n].plain[0].slice(5)]))];
for (const ref of bases) {
  if (podman(['image', 'exists', ref], { allowFail: true }).status !== 0) {
    console.error(`base image ${ref} is missing: run scripts/e2e/base-images.sh`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'bench-images-'));
const results = new Map(names.map((n) => [n, { ours: [], plain: [] }]));
const tagOf = (svc, kind) => `localhost/bench-images-${svc}-${kind}:${process.pid}`;
try {
  for (let r = 0; r < runs; r++) {
    // Our Dockerfiles, as `containerize dockerfile --yes` writes them for the example.
    const app = join(work, `run${r}`, 'taskboard');
    cpSync(example, app, { recursive: true, filter: (src) => !/(^|\/)(node_modules|__pycache__)(\/|$)/.test(src) });
    const gen = spawnSync(process.execPath, [bin, 'dockerfile', '--yes'], { cwd: app, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    if (gen.status !== 0) throw new Error(`containerize dockerfile exited ${gen.status}\n${gen.stdout}\n${gen.stderr}`);
    for (const svc of names) {
      const s = SERVICES[svc];
      for (const kind of ['ours', 'plain']) {
        // The plain build gets a clean copy of the service: no .dockerignore, no Dockerfile of ours.
        const context = kind === 'ours' ? join(app, svc) : join(work, `run${r}`, `plain-${svc}`);
        if (kind === 'plain') cpSync(join(example, svc), context, { recursive: true, filter: (src) => !/(^|\/)(node_modules|__pycache__)(\/|$)/.test(src) });
        const dockerfile = kind === 'ours' ? join(context, 'Dockerfile') : join(work, `run${r}`, `plain-${svc}.Dockerfile`);
        if (kind === 'plain') writeFileSync(dockerfile, `${s.plain.join('\n')}\n`);
        const tag = tagOf(svc, kind);
        build(context, dockerfile, tag);
        appendFileSync(join(context, s.touch[0]), `\n${s.touch[1]}\n`);
        const warm = build(context, dockerfile, tag);
        const size = sizeMB(tag);
        const cold = build(context, dockerfile, `${tag}-cold`, ['--no-cache']);
        results.get(svc)[kind].push({ size, warm: warm.ms, cold: cold.ms });
        console.log(`${svc} ${kind} run ${r + 1}: ${size.toFixed(1)} MB, cold ${(cold.ms / 1000).toFixed(1)} s, warm ${(warm.ms / 1000).toFixed(1)} s`);
      }
    }
  }
} finally {
  cleanup();
  rmSync(work, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = names.map((svc) => {
  const { ours, plain } = results.get(svc);
  const m = (xs, k) => median(xs.map((x) => x[k]));
  return { svc, base: SERVICES[svc].plain[0].slice(5), ours: { size: m(ours, 'size'), cold: m(ours, 'cold'), warm: m(ours, 'warm') }, plain: { size: m(plain, 'size'), cold: m(plain, 'cold'), warm: m(plain, 'warm') } };
});
const table = [
  '| service | plain Dockerfile base | image size: ours / plain | cold build: ours / plain | warm rebuild (one-line change): ours / plain | warm / cold, ours |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.svc} | \`${r.base}\` | ${r.ours.size.toFixed(1)} MB / ${r.plain.size.toFixed(1)} MB | ${sec(r.ours.cold)} / ${sec(r.plain.cold)} | ${sec(r.ours.warm)} / ${sec(r.plain.warm)} | ${Math.round((100 * r.ours.warm) / r.ours.cold)} % |`,
  ),
].join('\n');
const version = podman(['version', '--format', '{{.Client.Version}}'], { allowFail: true }).stdout.trim();
console.log(`\n${table}`);
if (writeTo) {
  const path = join(root, writeTo);
  const marker = '<!-- bench:images -->';
  const section = `${marker}\nMeasured ${new Date().toISOString().slice(0, 10)} with podman ${version} (buildah, \`BUILDAH_FORMAT=docker\`) on the stand-in base images, median of ${runs} run${runs === 1 ? '' : 's'}:\n\n${table}\n${marker}`;
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFileSync(path, before.includes(marker) ? before.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), section) : `${before}\n${section}\n`);
  console.log(`wrote ${writeTo}`);
}
