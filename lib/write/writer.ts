/**
 * The last stage of the pipeline. Every file goes through the generator's
 * mem-fs (`this.fs`), so Yeoman's conflicter, dry runs and tests see every
 * write. The run log records, per stage, which files are new, changed or
 * unchanged, for the summary printed at the end of a run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:fs';
import { modeOf, type OutputFile } from '../render/types.js';
import type { Wiring } from '../render/wiring.js';

const { S_IFREG } = constants;

/** 'kept': the file differed and the user chose to keep their version when asked. */
export type WriteStatus = 'create' | 'update' | 'identical' | 'kept';
export interface LogEntry {
  stage: string;
  path: string;
  status: WriteStatus;
  /** What the stage rendered, to tell after the commit whether it reached the disk. */
  content?: string;
}

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
export const PARTIAL_EXIT_CODE = 3;

export interface RunLog {
  /** Stages in the order they rendered. */
  stages: string[];
  /** Services left out of this run (partial run), in name order. */
  leftOut: LeftOut[];
  /** Files in write order. */
  entries: LogEntry[];
  /** The model each stage rendered from (JSON), in stage order: proves the hand-off. */
  models: string[];
}

const logs = new WeakMap<object, RunLog>();

/** The log of one run (one Yeoman environment). */
export function runLog(env: object): RunLog {
  let log = logs.get(env);
  if (!log) logs.set(env, (log = { stages: [], leftOut: [], entries: [], models: [] }));
  return log;
}

/** The parts of a generator the writer uses. */
export interface WriteTarget {
  env: object;
  destinationRoot(): string;
  fs: { write(path: string, contents: string, options?: { stat?: any }): unknown };
}

export function writeOutputs(generator: WriteTarget, stage: string, files: OutputFile[], model?: object): void {
  const log = runLog(generator.env);
  log.stages.push(stage);
  log.models.push(JSON.stringify(model ?? null));
  for (const file of files) {
    const abs = join(generator.destinationRoot(), file.path);
    const before = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    const status: WriteStatus = before === undefined ? 'create' : before === file.content ? 'identical' : 'update';
    const mode = modeOf(file);
    // mem-fs compares the whole st_mode with the file on disk: include the regular-file type bits.
    generator.fs.write(abs, file.content, mode === undefined ? undefined : { stat: { mode: S_IFREG | mode } });
    log.entries.push({ stage, path: file.path, status, content: file.content });
  }
}

/**
 * After the commit: a file the user declined to overwrite (Yeoman's conflict
 * prompt) is still their version on disk. Mark it 'kept' so the summary tells
 * the truth about what was written.
 */
export function settleStatuses(log: RunLog, root: string): void {
  for (const e of log.entries) {
    if (e.status !== 'update' && e.status !== 'create') continue;
    const abs = join(root, e.path);
    const now = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    if (now !== e.content) e.status = 'kept';
  }
}

/** What to do next, from what this run wrote (only commands that exist in the output). */
function nextSteps(log: RunLog): string[] {
  const wrote = new Set(log.entries.map((e) => e.path));
  const steps: string[] = [];
  if (wrote.has('Makefile')) steps.push('make up              start the whole app in containers with hot reload (make help: every target)');
  else if (wrote.has('compose.yaml')) steps.push('docker compose up --build    start the whole app in containers');
  const chart = [...wrote].find((p) => /^deploy\/helm\/[^/]+\/Chart\.yaml$/.test(p));
  if (chart) steps.push(`helm lint ${chart.replace(/\/Chart\.yaml$/, '')}    check the chart; deploy/scripts/deploy.sh staging --dry-run to render a deployment`);
  return steps;
}

/**
 * The run summary: per stage, the files it created or changed (unchanged ones
 * are counted, not listed, so a re-run says "nothing changed" in one line),
 * then what to do next.
 */
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

/** The services a partial run left out, each with the flag that settles it. */
export function formatLeftOut(leftOut: LeftOut[]): string[] {
  return [
    `Partial run: ${leftOut.length} service${leftOut.length === 1 ? '' : 's'} left out (a required value is unknown), the others written. Run again with:`,
    ...leftOut.map((l) => `  ${l.name} (${l.path}): ${l.flag}`),
    `(exit status ${PARTIAL_EXIT_CODE}: partial)`,
  ];
}

export function formatSummary(log: RunLog, show: (path: string) => string, wiring?: Wiring): string {
  const count = (s: WriteStatus, entries = log.entries) => entries.filter((e) => e.status === s).length;
  const kept = count('kept');
  const lines = [
    `Summary: ${log.entries.length} file${log.entries.length === 1 ? '' : 's'}, ${count('create')} new, ${count('update')} changed, ${count('identical')} unchanged${kept ? `, ${kept} kept as you had them` : ''}.`,
  ];
  for (const stage of log.stages) {
    const files = log.entries.filter((x) => x.stage === stage);
    if (files.length === 0) {
      lines.push(`  ${stage.padEnd(11)} not generated yet for this model`);
      continue;
    }
    const touched = files.filter((e) => e.status !== 'identical');
    const unchanged = count('identical', files);
    const keptHere = count('kept', files);
    lines.push(
      `  ${stage.padEnd(11)} ${touched.length ? `${count('create', files)} new, ${count('update', files)} changed` : 'no change'}${unchanged && touched.length ? `, ${unchanged} unchanged` : ''}${keptHere ? `, ${keptHere} kept` : ''}`,
    );
    const label: Record<WriteStatus, string> = { create: 'new    ', update: 'changed', kept: 'kept   ', identical: '' };
    for (const e of touched) lines.push(`      ${label[e.status]} ${show(e.path)}${e.status === 'kept' ? '  (yours; differs from what the model renders)' : ''}`);
  }
  if (wiring) lines.push(...formatWiring(wiring));
  if (log.leftOut.length) lines.push(...formatLeftOut(log.leftOut));
  const next = nextSteps(log);
  if (next.length && count('create') + count('update') > 0) lines.push('Next:', ...next.map((s) => `  ${s}`));
  return lines.join('\n');
}
