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

const { S_IFREG } = constants;

export type WriteStatus = 'create' | 'update' | 'identical';
export interface LogEntry {
  stage: string;
  path: string;
  status: WriteStatus;
}

export interface RunLog {
  /** Stages in the order they rendered. */
  stages: string[];
  /** Files in write order. */
  entries: LogEntry[];
  /** The model each stage rendered from (JSON), in stage order: proves the hand-off. */
  models: string[];
}

const logs = new WeakMap<object, RunLog>();

/** The log of one run (one Yeoman environment). */
export function runLog(env: object): RunLog {
  let log = logs.get(env);
  if (!log) logs.set(env, (log = { stages: [], entries: [], models: [] }));
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
    log.entries.push({ stage, path: file.path, status });
  }
}

export function formatSummary(log: RunLog, show: (path: string) => string): string {
  const lines: string[] = [];
  for (const stage of log.stages) {
    const files = log.entries.filter((x) => x.stage === stage);
    lines.push(`  ${stage}${files.length ? '' : ': nothing for this model yet'}`);
    for (const e of files) lines.push(`    ${e.status.padEnd(9)} ${show(e.path)}`);
  }
  const count = (s: WriteStatus) => log.entries.filter((e) => e.status === s).length;
  return [
    `Files (${count('create')} new, ${count('update')} changed, ${count('identical')} unchanged):`,
    ...lines,
  ].join('\n');
}
