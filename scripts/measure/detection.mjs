// Measures detection against hand-written truth on real public repositories.
//
//   npm run measure:detection -- [CORPUS_DIR] [--set tuned|held-out|all] [--repo owner/name]
//                                 [--yes] [--json] [--details] [--clone-commands]
//
// The repositories are NOT fetched here: bring each one to CORPUS_DIR/<owner>__<name> at the
// commit its truth file names (`--clone-commands` prints the git commands). CORPUS_DIR is the
// first argument, else the CORPUS_DIR environment variable.
//
// Truth files (scripts/measure/truth/<owner>__<name>.json) were written by reading each
// repository's code; see docs/detection.md ("Measured on real repositories") for what each
// column counts. --yes also runs `containerize --yes` on a copy of each repository and reports
// whether it completed, completed partially (exit 4, services left out), left conflicts (exit 3)
// or failed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const truthDir = join(root, 'scripts', 'measure', 'truth');
// bin/containerize.ts: 4 is a partial run (services left out), 3 a run that left merge conflicts.
const PARTIAL_EXIT = 4;
const CONFLICTS_EXIT = 3;

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !['--set', '--repo'].includes(args[i - 1]));

const truths = readdirSync(truthDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(truthDir, f), 'utf8')));

if (flag('--clone-commands')) {
  const dir = positional[0] ?? process.env.CORPUS_DIR ?? '$CORPUS_DIR';
  for (const t of truths) {
    const folder = `${dir}/${t.repo.replace('/', '__')}`;
    console.log(`git clone --quiet https://github.com/${t.repo}.git ${folder} && git -C ${folder} checkout --quiet ${t.commit}`);
  }
  process.exit(0);
}

const corpus = positional[0] ?? process.env.CORPUS_DIR;
if (!corpus) {
  console.error('Give the folder holding the repositories: npm run measure:detection -- DIR (or CORPUS_DIR=DIR). --clone-commands prints how to bring them.');
  process.exit(2);
}
const setWanted = option('--set') ?? 'all';
const repoWanted = option('--repo');

const { detectStack } = await import(join(root, 'dist', 'lib', 'detect', 'stack.js'));

// ---- matching ------------------------------------------------------------------

const asList = (v) => (Array.isArray(v) ? v : [v]);
const pathsOf = (t) => t.paths ?? [t.path];
const globRe = (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}$`);
const matchesPath = (patterns, path) => patterns.some((p) => globRe(p).test(path));

/** A fraction, counted as numerator/denominator so repositories add up. */
const frac = () => ({ n: 0, d: 0 });
const add = (f, ok) => {
  f.d++;
  if (ok) f.n++;
};
const pct = (f) => (f.d === 0 ? '   -  ' : `${((100 * f.n) / f.d).toFixed(0).padStart(3)}% `);
const ratio = (f) => (f.d === 0 ? '-' : `${f.n}/${f.d}`);

function measure(truth, detection) {
  const m = {
    repo: truth.repo,
    set: truth.set,
    services: frac(),
    language: frac(),
    version: frac(),
    port: frac(),
    portConvention: frac(),
    backing: frac(),
    edges: frac(),
    processes: frac(),
    names: frac(),
    startKnown: frac(),
    inventedServices: [],
    inventedBacking: [],
    wrongBackingUses: [],
    inventedEdges: [],
    misses: [],
  };
  const all = Object.entries(detection.services).map(([name, s]) => ({ name, ...s }));
  // The other processes of a folder (imageFrom) are measured against the truth's processes;
  // a folder's service is the one that owns its image.
  const detected = all.filter((x) => !x.imageFrom);
  const processes = all.filter((x) => x.imageFrom);
  const byTruth = new Map();
  for (const t of truth.services) {
    const d = detected.find((x) => pathsOf(t).includes(x.path));
    byTruth.set(t.name, d);
    add(m.services, !!d);
    if (!d) {
      m.misses.push(`service ${t.name} (${t.path}) not found`);
      continue;
    }
    add(m.language, d.language === t.language);
    if (d.language !== t.language) m.misses.push(`${t.name}: language ${d.language}, truth ${t.language}`);
    if (t.version !== null && t.version !== undefined) {
      add(m.version, d.languageVersion === t.version);
      if (d.languageVersion !== t.version) m.misses.push(`${t.name}: version ${d.languageVersion}, truth ${t.version}`);
    }
    const okPort = asList(t.port).includes(d.port);
    if (t.portStated === false) add(m.portConvention, okPort);
    else {
      add(m.port, okPort);
      if (!okPort) m.misses.push(`${t.name}: port ${d.port}, truth ${asList(t.port).join(' or ')}`);
    }
    if (t.path !== '.' && t.name) add(m.names, d.name === t.name);
    add(m.startKnown, d.start.length > 0 || d.language === 'static' || !!d.outputDir);
  }
  const optionalPaths = [...(truth.optionalServices ?? []), ...(truth.unsupportedServices ?? [])].map((o) => o.path);
  for (const d of detected) {
    const known = truth.services.some((t) => pathsOf(t).includes(d.path)) || matchesPath(optionalPaths, d.path);
    if (!known) m.inventedServices.push(`${d.name} (${d.path})`);
  }

  // Processes: a truth process is found when a process of its folder runs a command holding
  // each of its words and is a release command exactly when the truth's is. A detected process
  // neither the truth nor its optional processes have is an invented service.
  const words = (cmd) => cmd.join(' ');
  const fits = (p, d) => d.path === p.path && p.match.every((w) => words(d.start).includes(w)) && Boolean(d.release) === Boolean(p.release);
  const matched = new Set();
  // (A truth whose `processes` is still a note, written before processes were listed, has none to count.)
  const listed = (v) => (Array.isArray(v) ? v : []);
  for (const p of listed(truth.processes)) {
    const d = processes.find((x) => !matched.has(x.name) && fits(p, x));
    add(m.processes, !!d);
    if (d) matched.add(d.name);
    else m.misses.push(`process ${p.role} (${p.path}: ${p.match.join(' ')}${p.release ? ', release' : ''}) not found`);
  }
  for (const d of processes) {
    if (matched.has(d.name)) continue;
    if (listed(truth.optionalProcesses).some((p) => fits(p, d))) continue;
    if (!Array.isArray(truth.processes)) continue; // not listed: nothing to call invented
    m.inventedServices.push(`process ${d.name} (${d.path}: ${words(d.start)})`);
  }

  // Backing services: per (service, kind) use, and no more entries of a kind than the truth has.
  const kindOf = (name) => detection.backing[name]?.kind;
  const optionalUses = (truth.optionalBacking ?? []).flatMap((o) => o.usedBy.map((u) => `${u}/${o.kind}`));
  for (const t of truth.services) {
    const d = byTruth.get(t.name);
    const kinds = new Set((d?.dependsOn ?? []).map(kindOf).filter(Boolean));
    for (const k of t.backing ?? []) {
      add(m.backing, kinds.has(k));
      if (!kinds.has(k)) m.misses.push(`${t.name}: backing ${k} not found`);
    }
    for (const k of kinds) if (!(t.backing ?? []).includes(k) && !optionalUses.includes(`${t.name}/${k}`)) m.wrongBackingUses.push(`${t.name} -> ${k}`);
  }
  const countOf = (list, k) => list.filter((b) => b.kind === k).length;
  for (const k of new Set(Object.values(detection.backing).map((b) => b.kind))) {
    const detectedCount = Object.values(detection.backing).filter((b) => b.kind === k).length;
    const allowed = Math.max(countOf(truth.backing, k), (truth.optionalBacking ?? []).some((o) => o.kind === k) ? 1 : 0);
    if (detectedCount > allowed) {
      const names = Object.entries(detection.backing).filter(([, b]) => b.kind === k).map(([n]) => n);
      m.inventedBacking.push(`${k}: ${names.join(', ')} (truth has ${allowed})`);
    }
  }

  // Service-to-service edges.
  const truthEdges = new Set();
  for (const t of truth.services) {
    for (const u of t.dependsOn ?? []) {
      truthEdges.add(`${t.name}->${u}`);
      const from = byTruth.get(t.name);
      const to = byTruth.get(u);
      const ok = !!from && !!to && from.dependsOn.includes(to.name);
      add(m.edges, ok);
      if (!ok) m.misses.push(`edge ${t.name} -> ${u} not found`);
    }
  }
  for (const t of truth.services) {
    const from = byTruth.get(t.name);
    for (const dep of from?.dependsOn ?? []) {
      const target = truth.services.find((u) => byTruth.get(u.name)?.name === dep);
      if (target && !truthEdges.has(`${t.name}->${target.name}`)) m.inventedEdges.push(`${t.name} -> ${target.name}`);
    }
  }
  return m;
}

// ---- --yes ---------------------------------------------------------------------

/**
 * `containerize --yes` on a copy of the repository. A run refused because files the repository
 * already has (its own .env.example, compose.yaml...) differ from what it renders stops by
 * design (nothing is overwritten without a terminal or --force); it is run again with --force
 * to see whether anything else would stop it.
 */
function runYes(dir, truth) {
  const first = runYesOnce(dir, truth, []);
  if (first.outcome !== 'failed' || !/These files differ from what this run renders/.test(first.output)) return first;
  const forced = runYesOnce(dir, truth, ['--force']);
  const files = [...first.output.matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]);
  return { ...forced, refused: files, outcome: `refused, --force: ${forced.outcome}` };
}

function runYesOnce(dir, truth, extra) {
  const copy = join(mkdtempSync(join(tmpdir(), 'measure-')), basename(dir));
  cpSync(dir, copy, { recursive: true, filter: (p) => !/[\\/](\.git|node_modules)$/.test(p) });
  const bin = join(root, 'dist', 'bin', 'containerize.js');
  const run = spawnSync(process.execPath, [bin, '--yes', ...extra], { cwd: copy, encoding: 'utf8', input: '', env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024 });
  let written = [];
  try {
    const rc = JSON.parse(readFileSync(join(copy, '.yo-rc.json'), 'utf8'))['generator-containerize'];
    // One per folder: the processes of a folder's image are measured by detection's processes column.
    written = Object.values(rc.services).filter((s) => !s.imageFrom).map((s) => s.path);
  } catch {
    written = [];
  }
  const optional = [...(truth.optionalServices ?? []), ...(truth.unsupportedServices ?? [])].map((o) => o.path);
  const wrong = written.filter((p) => !truth.services.some((t) => pathsOf(t).includes(p)) && !matchesPath(optional, p));
  const leftOut = [...(run.stdout + run.stderr).matchAll(/^  (\S+) \([^)]*\): --set \S+?\.start=/gm)].map((x) => x[1]);
  rmSync(dirname(copy), { recursive: true, force: true });
  const outcome = run.status === 0 ? 'complete' : run.status === PARTIAL_EXIT ? 'partial' : run.status === CONFLICTS_EXIT ? 'conflicts' : 'failed';
  const tail = outcome === 'failed' ? (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ') : '';
  return { outcome, code: run.status, written: written.length, wrong, leftOut, tail, output: run.stdout + run.stderr };
}

// ---- run -----------------------------------------------------------------------

const results = [];
for (const truth of truths) {
  if (setWanted !== 'all' && truth.set !== setWanted) continue;
  if (repoWanted && truth.repo !== repoWanted) continue;
  const dir = resolve(corpus, truth.repo.replace('/', '__'));
  if (!existsSync(dir)) {
    console.error(`missing ${dir}: bring ${truth.repo} at ${truth.commit} (--clone-commands)`);
    continue;
  }
  const head = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout?.trim();
  if (head && head !== truth.commit) console.error(`warning: ${truth.repo} is at ${head}, its truth was written at ${truth.commit}`);
  const started = Date.now();
  const detection = detectStack(dir);
  const m = measure(truth, detection);
  m.ms = Date.now() - started;
  if (flag('--yes')) m.yes = runYes(dir, truth);
  results.push(m);
}

const COLUMNS = ['services', 'language', 'version', 'port', 'backing', 'edges', 'processes'];
function total(list) {
  const t = Object.fromEntries([...COLUMNS, 'portConvention', 'names', 'startKnown'].map((c) => [c, frac()]));
  for (const m of list) for (const c of Object.keys(t)) {
    t[c].n += m[c].n;
    t[c].d += m[c].d;
  }
  t.inventedServices = list.reduce((a, m) => a + m.inventedServices.length, 0);
  t.inventedBacking = list.reduce((a, m) => a + m.inventedBacking.length + m.wrongBackingUses.length, 0);
  t.inventedEdges = list.reduce((a, m) => a + m.inventedEdges.length, 0);
  return t;
}

for (const r of results) if (r.yes) delete r.yes.output;
if (flag('--json')) {
  const sets = [...new Set(results.map((r) => r.set))];
  console.log(JSON.stringify({ repos: results, totals: Object.fromEntries([...sets.map((s) => [s, total(results.filter((r) => r.set === s))]), ['all', total(results)]]) }, null, 2));
  process.exit(0);
}

const head = `${'repository'.padEnd(42)} ${COLUMNS.map((c) => c.padEnd(9)).join(' ')} invented (svc/backing/edges)${flag('--yes') ? '  --yes' : ''}`;
const row = (label, m, invented) => `${label.padEnd(42)} ${COLUMNS.map((c) => ratio(m[c]).padEnd(9)).join(' ')} ${invented}`;
for (const set of ['tuned', 'held-out']) {
  const list = results.filter((r) => r.set === set);
  if (!list.length) continue;
  console.log(`\n${set === 'tuned' ? 'Repositories the fixes were written against' : 'Held-out repositories (not tuned on)'}\n${head}`);
  for (const m of list) {
    const yes = m.yes
      ? `  ${m.yes.outcome}${m.yes.refused ? ` (existing: ${m.yes.refused.join(', ')})` : ''}${/partial/.test(m.yes.outcome) ? ` (left out: ${m.yes.leftOut.join(', ')})` : ''}${m.yes.wrong.length ? ` WRONG: ${m.yes.wrong.join(', ')}` : ''}${m.yes.tail ? ` ${m.yes.tail}` : ''}`
      : '';
    console.log(row(m.repo, m, `${m.inventedServices.length}/${m.inventedBacking.length + m.wrongBackingUses.length}/${m.inventedEdges.length}`) + yes);
    if (flag('--details')) {
      for (const x of m.misses) console.log(`    miss: ${x}`);
      for (const x of m.inventedServices) console.log(`    invented service: ${x}`);
      for (const x of m.inventedBacking) console.log(`    invented backing: ${x}`);
      for (const x of m.wrongBackingUses) console.log(`    wrong backing use: ${x}`);
      for (const x of m.inventedEdges) console.log(`    invented edge: ${x}`);
    }
  }
  const t = total(list);
  console.log(row(`TOTAL ${set}`, t, `${t.inventedServices}/${t.inventedBacking}/${t.inventedEdges}`));
  console.log(`${''.padEnd(42)} ${COLUMNS.map((c) => pct(t[c]).padEnd(9)).join(' ')}`);
}
const all = total(results);
console.log(`\nAll: ${COLUMNS.map((c) => `${c} ${pct(all[c]).trim()} (${ratio(all[c])})`).join(', ')}; invented services ${all.inventedServices}, backing ${all.inventedBacking}, edges ${all.inventedEdges}`);
console.log(`    port by convention only (not counted above): ${ratio(all.portConvention)}; names right: ${ratio(all.names)}; start known: ${ratio(all.startKnown)}`);
if (flag('--yes')) {
  const outcomes = results.map((r) => r.yes.outcome);
  const n = (re) => outcomes.filter((o) => re.test(o)).length;
  console.log(
    `--yes: ${n(/^complete$/)} complete, ${n(/^partial$/)} partial (exit ${PARTIAL_EXIT}), ${n(/^failed$/)} failed; ` +
      `${n(/^refused/)} refused to overwrite files the repository already has (by design), of which with --force ${n(/--force: complete/)} complete, ${n(/--force: partial/)} partial, ${n(/--force: failed/)} failed; of ${results.length}`,
  );
  const wrong = results.filter((r) => r.yes.wrong.length);
  console.log(`    services written that the truth does not have: ${wrong.length ? wrong.map((r) => `${r.repo}: ${r.yes.wrong.join(', ')}`).join('; ') : 'none'}`);
}
