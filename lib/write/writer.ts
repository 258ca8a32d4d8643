/**
 * The last stage of the pipeline, write:
 *
 *   record   each stage hands over what it rendered (recordOutputs); nothing is written yet
 *   plan     once every stage has rendered, decide per path (./plan.ts): create, update,
 *            merge the user's edits (./merge.ts), keep the user's file and put ours beside
 *            it (./ownership.ts), remove what is no longer rendered
 *   stage    the decided contents go into the generator's mem-fs (`this.fs`), the ledger
 *            (./ledger.ts) with them, so dry runs and tests see every write
 *   commit   the root generator's commit task writes them all or nothing, ledger last
 *            (./commit.ts)
 *   summary  what each stage created, changed, merged, kept or removed, and what is left
 *            to the user (conflicts), printed at the end
 */
import { createTwoFilesPatch } from 'diff';
import { boundaryProblem } from '../model/kinds.js';
import type { Layout } from '../render/layout.js';
import type { Wiring } from '../render/wiring.js';
import { LEDGER_PATH, formatLedger, type Ledger } from './ledger.js';
import { conflictPath } from './ownership.js';
import type { Action, Desired, Status } from './plan.js';

/** A service a --yes run left out because a required value is unknown: the others were written. */
export interface LeftOut {
  name: string;
  path: string;
  /** The model field that is unknown ('start'). */
  field: string;
  /** The flag that settles it, e.g. `--set worker.start="python worker.py"`. */
  flag: string;
}

/** The exit status of a run that wrote some services and left others out (the `containerize` bin's). */
export const PARTIAL_EXIT_CODE = 4;

export interface RunLog {
  /** Services left out of this run (partial run), in name order. */
  leftOut: LeftOut[];
  /** Stages in the order they rendered. */
  stages: string[];
  /** What the stages rendered, in order. */
  entries: Desired[];
  /** The model each stage rendered from (JSON), in stage order: proves the hand-off. */
  models: string[];
  /** What the run does to each path (set once every stage has rendered). */
  actions: Action[];
  /** The ledger after the run. */
  ledger?: Ledger;
  dryRun?: boolean;
}

const logs = new WeakMap<object, RunLog>();

/** The log of one run (one Yeoman environment). */
export function runLog(env: object): RunLog {
  let log = logs.get(env);
  if (!log) logs.set(env, (log = { stages: [], leftOut: [], entries: [], models: [], actions: [] }));
  return log;
}

/** A file would be written outside the repository (through a symbolic link): the run writes nothing. */
export class BoundaryError extends Error {
  constructor(readonly problems: string[]) {
    super(`Nothing was written: these files would land outside the repository:\n${problems.map((p) => `  - ${p}`).join('\n')}\nRemove or replace the symbolic links, then run again.`);
    this.name = 'BoundaryError';
  }
}

/** The repository is a boundary: every file a run writes must land inside it, symbolic links resolved. */
export function assertInsideRepo(root: string, paths: string[]): void {
  const problems = paths.flatMap((path) => {
    const p = boundaryProblem(root, path);
    return p ? [`${path}: ${p}`] : [];
  });
  if (problems.length) throw new BoundaryError(problems);
}

/** A stage's rendered files, recorded for the plan (the stage's one call into the writer). */
export function recordOutputs(env: object, stage: string, files: Desired[], model?: object): void {
  const log = runLog(env);
  log.stages.push(stage);
  log.models.push(JSON.stringify(model ?? null));
  log.entries.push(...files.map((f) => ({ ...f, stage })));
}

/** Conflicts the run leaves to the user (their file kept, ours beside it). */
export const conflictsOf = (log: RunLog): Action[] => log.actions.filter((a) => a.status === 'conflict');

// ---- dry run ---------------------------------------------------------------------

/** A unified diff of one file, from its text before (undefined: absent) to after (null: deleted). */
export function unifiedDiff(path: string, before: string | undefined, after: string | null): string {
  const from = before === undefined ? '/dev/null' : `a/${path}`;
  const to = after === null ? '/dev/null' : `b/${path}`;
  const patch = createTwoFilesPatch(from, to, before ?? '', after ?? '', undefined, undefined, { context: 3 });
  // jsdiff starts with an "Index:" line and a rule; keep the unified part (---, +++, @@ hunks).
  return patch.slice(patch.indexOf('--- '));
}

/** Every change the plan would make, as unified diffs (the ledger as one line). */
export function formatDryRun(log: RunLog, read: (path: string) => string | undefined, extra: { path: string; after: string }[] = []): string {
  const out: string[] = [];
  for (const a of log.actions)
    for (const w of a.writes) {
      const before = read(w.path);
      if (before === undefined && w.content === null) continue;
      if (before === w.content) continue;
      out.push(unifiedDiff(w.path, before, w.content).trimEnd());
    }
  for (const e of extra) {
    const before = read(e.path);
    if (before !== e.after) out.push(unifiedDiff(e.path, before, e.after).trimEnd());
  }
  if (log.ledger && formatLedger(log.ledger) !== read(LEDGER_PATH)) out.push(`(${LEDGER_PATH} would record the new renders)`);
  return out.length ? out.join('\n') : '(no change)';
}

// ---- summary ---------------------------------------------------------------------

/** What to do next, from what this run wrote (only commands that exist in the output). */
function nextSteps(log: RunLog, layout?: Layout): string[] {
  const wrote = new Set(log.actions.filter((a) => a.status !== 'remove' && a.status !== 'orphan').map((a) => a.path));
  const steps: string[] = [];
  const makefile = layout?.makefile ?? 'Makefile';
  const make = layout?.make ?? 'make';
  const guide = [...wrote].find((p) => /^docs\/(containerize\/)?onboarding(\.containerize)?\.md$/.test(p));
  if (guide && wrote.has(makefile)) steps.push(`${make} doctor${' '.repeat(Math.max(4, 21 - make.length - 7))}check this machine has what the stack needs (${guide}: the whole onboarding)`);
  if (wrote.has(makefile)) steps.push(`${make} up${' '.repeat(Math.max(4, 21 - make.length - 3))}start the whole app in containers with hot reload (${make} help: every target)`);
  else if (wrote.has(layout?.compose ?? 'compose.yaml')) steps.push(`${layout?.composeUp ?? 'docker compose up'} --build    start the whole app in containers`);
  const chart = [...wrote].find((p) => /^deploy\/helm\/[^/]+\/Chart\.yaml$/.test(p));
  if (chart) steps.push(`helm lint ${chart.replace(/\/Chart\.yaml$/, '')}    check the chart; deploy/scripts/deploy.sh staging --dry-run to render a deployment`);
  // The GitHub secrets and variables the written workflows read (GITHUB_TOKEN is GitHub's own).
  const settings = new Set<string>();
  for (const e of log.entries)
    if (e.path.startsWith('.github/workflows/') && e.content)
      for (const m of e.content.matchAll(/\$\{\{ (secrets|vars)\.([A-Z0-9_]+) \}\}/g)) if (m[2] !== 'GITHUB_TOKEN') settings.add(`${m[1] === 'secrets' ? 'secret' : 'variable'} ${m[2]}`);
  if (settings.size) steps.push(`in GitHub, set ${[...settings].sort().join(', ')}: the operations guide the docs stage wrote (operations.md) says where and what each holds`);
  return steps;
}

/** What the wiring did, for the summary: each variable that now reaches a backing service, and what could not be wired. */
export function formatWiring(wiring: Wiring): string[] {
  const rows: [string, string, string][] = [];
  for (const [service, vars] of Object.entries(wiring.services).sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const v of vars) {
      if (!v.backing) continue;
      const why = v.convention ? `${v.convention} convention` : v.replaced === null || v.replaced === undefined ? 'the code gave no default' : `was ${v.replaced}`;
      rows.push([service, v.name, `→ ${v.backing} (${why})`]);
    }
  }
  const lines: string[] = [];
  if (rows.length) {
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    lines.push('Wired to backing services (passwords from their secrets):', ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`));
  }
  if (wiring.notes.length) lines.push('Not wired:', ...wiring.notes.map((n) => `  ${n}`));
  return lines;
}

/** Per status: its word in the counts and its label before a path. */
const WORDS: Record<Status, { count: string; label: string }> = {
  create: { count: 'new', label: 'new' },
  update: { count: 'changed', label: 'changed' },
  identical: { count: 'unchanged', label: '' },
  merged: { count: 'merged', label: 'merged' },
  conflict: { count: 'conflict', label: 'conflict' },
  overwrite: { count: 'replaced', label: 'replaced' },
  keep: { count: 'kept', label: 'kept' },
  skip: { count: 'skipped', label: 'skipped' },
  remove: { count: 'removed', label: 'removed' },
  orphan: { count: 'kept', label: 'kept' },
};
/** Counted after new, changed (always shown) and unchanged, when there are any. */
const EXTRA: Status[] = ['merged', 'overwrite', 'keep', 'orphan', 'skip', 'remove', 'conflict'];
const plural = (n: number, word: string) => (word === 'conflict' && n !== 1 ? 'conflicts' : word);

/** The services a partial run left out, each with the flag that settles it. */
export function formatLeftOut(leftOut: LeftOut[]): string[] {
  return [
    `Partial run: ${leftOut.length} service${leftOut.length === 1 ? '' : 's'} left out (a required value is unknown), the others written. Run again with:`,
    ...leftOut.map((l) => `  ${l.name} (${l.path}): ${l.flag}`),
    `(exit status ${PARTIAL_EXIT_CODE}: partial)`,
  ];
}

export interface SummaryOptions {
  wiring?: Wiring;
  layout?: Layout;
}

/**
 * The run summary: per stage, the files it created, changed, merged, kept or
 * removed (unchanged ones are counted, not listed, so a re-run says "no change"
 * in one line); the user's files ours went beside, with how to use ours; the
 * conflicts left; then what to do next.
 */
export function formatSummary(log: RunLog, show: (path: string) => string, opts: SummaryOptions = {}): string {
  const count = (s: Status, actions = log.actions) => actions.filter((a) => a.status === s).length;
  const extras = (actions: Action[]) =>
    EXTRA.filter((s) => s !== 'orphan')
      .map((s) => [s, count(s, actions) + (s === 'keep' ? count('orphan', actions) : 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `, ${n} ${plural(n, WORDS[s].count)}`)
      .join('');
  const files = log.actions.filter((a) => a.status !== 'remove' && a.status !== 'orphan').length;
  const lines = [
    `${log.dryRun ? 'Dry run (nothing was written): ' : 'Summary: '}${files} file${files === 1 ? '' : 's'}, ${count('create')} new, ${count('update')} changed, ${count('identical')} unchanged${extras(log.actions)}.`,
  ];
  for (const stage of log.stages) {
    const actions = log.actions.filter((a) => a.stage === stage);
    if (actions.length === 0) {
      lines.push(`  ${stage.padEnd(11)} not generated yet for this model`);
      continue;
    }
    const touched = actions.filter((a) => a.status !== 'identical');
    const unchanged = count('identical', actions);
    lines.push(
      `  ${stage.padEnd(11)} ${touched.length ? `${count('create', actions)} new, ${count('update', actions)} changed` : 'no change'}${unchanged && touched.length ? `, ${unchanged} unchanged` : ''}${extras(actions)}`,
    );
    for (const a of touched) lines.push(`      ${WORDS[a.status].label.padEnd(7)} ${show(a.path)}${a.note ? `  (${a.note})` : ''}`);
  }
  const beside = log.actions.filter((a) => a.beside && a.status !== 'remove' && a.status !== 'orphan');
  if (beside.length) {
    lines.push('Yours, kept as they are (ours beside them):');
    for (const of of [...new Set(beside.map((a) => a.beside!.of))]) {
      const ours = beside.filter((a) => a.beside!.of === of);
      lines.push(`  ${show(of)} → ours: ${ours.map((a) => show(a.path)).join(', ')}`, `      ${ours[0]!.beside!.use}`);
    }
  }
  const conflicts = conflictsOf(log);
  if (conflicts.length) {
    lines.push(
      `Conflicts left (${conflicts.length}): your file is kept; this run's render is beside it. Merge what you want from it, then delete it (the next run takes that as settled):`,
      ...conflicts.map((a) => `  ${show(a.path)}  ←  ${show(conflictPath(a.path))}`),
    );
  }
  if (opts.wiring) lines.push(...formatWiring(opts.wiring));
  if (log.leftOut.length) lines.push(...formatLeftOut(log.leftOut));
  const next = nextSteps(log, opts.layout);
  if (next.length && count('create') + count('update') + count('merged') > 0) lines.push('Next:', ...next.map((s) => `  ${s}`));
  return lines.join('\n');
}
