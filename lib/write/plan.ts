/**
 * What a run does to each path, decided before anything is written: from
 * what the stages rendered, the files on disk and the ledger.
 *
 *   path absent                     create it
 *   same bytes as the render        nothing (unchanged)
 *   the user's file (not ours)      keep it; ours goes beside it (./ownership.ts)
 *   ours, untouched since our last  update it
 *   render
 *   ours, edited by the user        three-way merge (./merge.ts): merged, or on a
 *                                   conflict theirs stays and ours is written to
 *                                   <path>.containerize-new
 *   ours, no longer rendered        removed when untouched, kept (and no longer
 *                                   ours) when edited
 *
 * `--force` overwrites (and removes) ours whatever the edits; `.yo-resolve`
 * `skip` leaves a path alone, `force` overwrites it even when it is the
 * user's. A terminal user is asked about merges and conflicts; each action
 * carries the alternatives to offer (keep theirs, take ours).
 */
import { conflictPath, besideOf, dropBlock, findBlock, ownerOf, putBlock } from './ownership.js';
import { mergeThreeWay } from './merge.js';
import type { Ledger, LedgerEntry } from './ledger.js';

/** One file (or marked block) a stage rendered. */
export interface Desired {
  stage: string;
  path: string;
  content: string;
  mode?: number;
  /** A marked block inside a file the user owns, not a whole file (lib/render/types.ts). */
  block?: boolean;
  /** Placed by the stage beside a file of the user's (lib/render/layout.ts): theirs, and how to use ours. */
  beside?: { of: string; use: string };
}

export type Status =
  | 'create'
  | 'update'
  | 'identical'
  | 'merged'
  | 'conflict'
  | 'overwrite'
  | 'keep'
  | 'skip'
  | 'remove'
  | 'orphan';

/** A file to write (content) or delete (null). */
export interface Write {
  path: string;
  content: string | null;
  mode?: number;
}

export interface Action {
  stage: string;
  /** The path this action is about (where ours is, after any relocation). */
  path: string;
  status: Status;
  writes: Write[];
  /** Ledger entries to set (an undefined entry removes the path from the ledger). */
  ledger: [string, LedgerEntry | undefined][];
  /** A short explanation for the summary. */
  note?: string;
  /** The user's file ours was placed beside, and how to use ours. */
  beside?: { of: string; use: string };
  /** Offered to a terminal user instead of this action. */
  alternatives?: { keep?: Action; overwrite?: Action };
}

export interface PlanOptions {
  force: boolean;
  /** Stages that rendered in this run: only their ledger files can be removed. */
  stages: string[];
  /** The file's text, or undefined when there is none (paths relative to the root). */
  read(path: string): string | undefined;
  /** `.yo-resolve`'s word for a path (`skip`, `force`), if any. */
  resolve(path: string): string | undefined;
}

export interface Plan {
  actions: Action[];
  ledger: Ledger;
}

export function planWrites(desired: Desired[], ledger: Ledger, opts: PlanOptions): Plan {
  const actions: Action[] = [];
  const claimed = new Set<string>();
  // One owner per output file: two stages rendering one path is a bug of ours, never a merge.
  const owners = new Map<string, string>();
  for (const d of desired) {
    const other = owners.get(d.path);
    if (other !== undefined) throw new Error(`${d.path} is rendered by two stages (${other} and ${d.stage}); each file has one owner (an internal error of generator-containerize: please report it)`);
    owners.set(d.path, d.stage);
  }
  for (const d of desired) {
    const action = d.block ? planBlock(d, ledger, opts) : planFile(d, ledger, opts);
    claimed.add(action.path);
    actions.push(action);
  }
  for (const [path, entry] of [...ledger].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (claimed.has(path) || !opts.stages.includes(entry.stage)) continue;
    actions.push(planRemoval(path, entry, opts));
  }
  const next: Ledger = new Map(ledger);
  for (const a of actions)
    for (const [path, entry] of a.ledger) {
      if (entry) next.set(path, entry);
      else next.delete(path);
    }
  return { actions, ledger: next };
}

/** The ledger and file changes of one chosen action, applied on top of a plan (a terminal user's choice). */
export function replaceAction(plan: Plan, old: Action, chosen: Action, before: Ledger): Plan {
  const actions = plan.actions.map((a) => (a === old ? chosen : a));
  const next: Ledger = new Map(before);
  for (const a of actions)
    for (const [path, entry] of a.ledger) {
      if (entry) next.set(path, entry);
      else next.delete(path);
    }
  return { actions, ledger: next };
}

const entryOf = (d: Desired, render: string | null, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ stage: d.stage, render, ...extra });

/** The companion `<path>.containerize-new` is ours: removed once the conflict it was for is gone. */
function dropCompanion(path: string, opts: PlanOptions): Write[] {
  const companion = conflictPath(path);
  return opts.read(companion) === undefined ? [] : [{ path: companion, content: null }];
}

function planFile(d: Desired, ledger: Ledger, opts: PlanOptions, relocatedFrom?: string): Action {
  const path = d.path;
  // Our block in a file makes that file no more ours than it was: the user's.
  const entry = ledger.get(path)?.block ? undefined : ledger.get(path);
  const disk = opts.read(path);
  const word = opts.resolve(path);
  const base = { stage: d.stage, path, ...(d.beside ? { beside: d.beside } : {}) };
  const write: Write = { path, content: d.content, ...(d.mode !== undefined ? { mode: d.mode } : {}) };
  const settled = (status: Status, writes: Write[], note?: string): Action => ({
    ...base,
    status,
    writes: [...writes, ...dropCompanion(path, opts)],
    ledger: [[path, entryOf(d, d.content)]],
    ...(note ? { note } : {}),
  });

  if (word === 'skip') return { ...base, status: 'skip', writes: [], ledger: [], note: '.yo-resolve says skip' };
  const owner = ownerOf(entry, disk);
  if (disk === undefined) return settled('create', [write], entry ? 'it was missing: written again' : undefined);
  if (disk === d.content) return settled('identical', []);
  const overwrite = settled('overwrite', [write], word === 'force' ? '.yo-resolve says force' : 'your edits replaced (--force)');
  if (word === 'force') return overwrite;

  if (owner === 'theirs') {
    if (relocatedFrom !== undefined)
      return { ...base, status: 'skip', writes: [], ledger: [], note: `${relocatedFrom} and ${path} are both yours: nothing written` };
    const beside = besideOf(path);
    const action = planFile({ ...d, path: beside.path }, ledger, opts, path);
    return { ...action, beside: { of: path, use: beside.use } };
  }
  if (opts.force) return overwrite;

  const conflict = (mergeBase: string | null, note: string): Action => ({
    ...base,
    status: 'conflict',
    writes: [{ path: conflictPath(path), content: d.content, ...(d.mode !== undefined ? { mode: d.mode } : {}) }],
    ledger: [[path, entryOf(d, mergeBase, { pending: d.content })]],
    note,
    alternatives: { overwrite },
  });
  if (owner === 'ours-unrecorded')
    return conflict(null, `generated before the ledger existed, so there is no base to merge with: yours kept, ours is ${conflictPath(path)}`);

  // Ours, edited or not. A conflict the user settled (they deleted <path>.containerize-new) has that render as its base.
  const mergeBase = entry!.pending !== undefined && opts.read(conflictPath(path)) === undefined ? entry!.pending : entry!.render;
  if (mergeBase === null) return conflict(null, `no base to merge with: yours kept, ours is ${conflictPath(path)}`);
  if (disk === mergeBase) return settled('update', [write]);
  const merge = mergeThreeWay(path, mergeBase, disk, d.content);
  const keep = settled('keep', [], 'you chose to keep yours');
  if (!merge.clean)
    return conflict(mergeBase, `your edits and this render change the same lines: yours kept, ours is ${conflictPath(path)} (merge by hand, then delete it)`);
  if (merge.text === disk) return settled('identical', []);
  return {
    ...settled('merged', [{ ...write, content: merge.text }], merge.how === 'yaml' ? 'your edits kept (merged by YAML structure)' : 'your edits kept'),
    alternatives: { keep, overwrite },
  };
}

function planBlock(d: Desired, ledger: Ledger, opts: PlanOptions): Action {
  const path = d.path;
  const entry = ledger.get(path)?.block ? ledger.get(path) : undefined;
  const disk = opts.read(path);
  const base = { stage: d.stage, path };
  if (opts.resolve(path) === 'skip') return { ...base, status: 'skip', writes: [], ledger: [], note: '.yo-resolve says skip' };
  const found = disk === undefined ? null : findBlock(disk);
  const prefix = entry?.block?.prefix ?? '';
  const settle = (status: Status, text: string | null, blockPrefix = prefix, note?: string): Action => ({
    ...base,
    status,
    writes: [...(text === null ? [] : [{ path, content: text }]), ...dropCompanion(path, opts)],
    ledger: [[path, entryOf(d, d.content, { block: { prefix: blockPrefix } })]],
    ...(note ? { note } : {}),
  });
  if (!found) {
    const put = putBlock(disk, d.content);
    return settle('create', put.text, put.prefix, disk === undefined ? 'a file with only our marked block' : `our marked block, added at the end of your ${path}`);
  }
  if (found.inner === d.content) return settle('identical', null);
  const replaced = putBlock(disk, d.content).text;
  const overwrite = settle('overwrite', replaced, prefix, 'your edits in our block replaced');
  if (opts.force || opts.resolve(path) === 'force') return overwrite;
  const mergeBase = entry?.render ?? null;
  if (mergeBase !== null && found.inner === mergeBase) return settle('update', replaced);
  const merge = mergeBase === null ? null : mergeThreeWay(path, mergeBase, found.inner, d.content);
  if (merge?.clean) return { ...settle('merged', putBlock(disk, merge.text).text, prefix, 'your edits in our block kept'), alternatives: { overwrite } };
  return {
    ...base,
    status: 'conflict',
    writes: [{ path: conflictPath(path), content: replaced }],
    ledger: [[path, entryOf(d, mergeBase, { block: { prefix }, pending: d.content })]],
    note: `your edits in our block conflict with this render: yours kept, ours is ${conflictPath(path)}`,
    alternatives: { overwrite },
  };
}

function planRemoval(path: string, entry: LedgerEntry, opts: PlanOptions): Action {
  const base = { stage: entry.stage, path };
  const drop: [string, LedgerEntry | undefined][] = [[path, undefined]];
  if (opts.resolve(path) === 'skip') return { ...base, status: 'skip', writes: [], ledger: [], note: '.yo-resolve says skip' };
  const disk = opts.read(path);
  const companion = dropCompanion(path, opts);
  if (disk === undefined) return { ...base, status: 'remove', writes: companion, ledger: drop, note: 'no longer generated (it was already gone)' };
  if (entry.block) {
    const found = findBlock(disk);
    if (!found) return { ...base, status: 'remove', writes: companion, ledger: drop, note: 'no longer generated (our block was already gone)' };
    if (found.inner !== entry.render && !opts.force)
      return { ...base, status: 'orphan', writes: companion, ledger: drop, note: 'our block is no longer generated, but you edited it: left in place (it is yours now)' };
    const rest = dropBlock(disk, entry.block.prefix);
    return { ...base, status: 'remove', writes: [{ path, content: rest === '' ? null : rest }, ...companion], ledger: drop, note: 'our marked block, removed' };
  }
  const untouched = disk === entry.render || (entry.pending !== undefined && disk === entry.pending);
  if (!untouched && !opts.force)
    return { ...base, status: 'orphan', writes: companion, ledger: drop, note: 'no longer generated, but you edited it: kept (it is yours now)' };
  return { ...base, status: 'remove', writes: [{ path, content: null }, ...companion], ledger: drop, ...(untouched ? {} : { note: 'your edits discarded (--force)' }) };
}
