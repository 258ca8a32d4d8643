/**
 * The commit writes a run's files all or nothing, the ledger last: a full
 * disk, an unwritable file or a folder in the way leaves the tree as it was
 * (no half-written file, no temporary file, no partial ledger), and Ctrl-C
 * cannot cut it short.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitFiles, CommitError, withSigint, type CommitFs } from '../../lib/write/commit.js';
import { formatLedger, LEDGER_PATH, LedgerError, readLedger, type Ledger } from '../../lib/write/ledger.js';
import { snapshotTree, writeTree } from '../helpers/tree.js';

const repo = () => {
  const root = mkdtempSync(join(tmpdir(), 'commit-'));
  writeTree(root, { 'compose.yaml': 'old compose\n', 'Makefile': 'old make\n', 'gone.txt': 'bye\n', [LEDGER_PATH]: '{"old": true}\n' });
  return root;
};
const run = (root: string, fsImpl?: CommitFs) =>
  commitFiles(
    [
      { path: join(root, LEDGER_PATH), content: '{"new": true}\n' },
      { path: join(root, 'compose.yaml'), content: 'new compose\n' },
      { path: join(root, 'deploy/helm/shop/values.yaml'), content: 'new values\n' },
      { path: join(root, 'gone.txt'), content: null },
      { path: join(root, 'Makefile'), content: 'new make\n' },
    ],
    { root, last: [join(root, LEDGER_PATH)], ...(fsImpl ? { fs: fsImpl } : {}) },
  );

/** The real file system, with writeFileSync failing with `code` on its nth call. */
function failingOn(n: number, code: string): CommitFs {
  let calls = 0;
  return {
    ...fs,
    writeFileSync: ((...args: Parameters<typeof fs.writeFileSync>) => {
      if (++calls === n) throw Object.assign(new Error(`${code}: simulated`), { code, path: String(args[0]) });
      return fs.writeFileSync(...args);
    }) as typeof fs.writeFileSync,
  };
}

describe('commit', () => {
  it('writes every file, deletes what goes, and renames the ledger into place last', () => {
    const root = repo();
    const renamed: string[] = [];
    run(root, { ...fs, renameSync: ((from: fs.PathLike, to: fs.PathLike) => (renamed.push(String(to)), fs.renameSync(from, to))) as typeof fs.renameSync });
    assert.deepEqual(snapshotTree(root), {
      [LEDGER_PATH]: '{"new": true}\n',
      Makefile: 'new make\n',
      'compose.yaml': 'new compose\n',
      'deploy/helm/shop/values.yaml': 'new values\n',
    });
    assert.equal(renamed.at(-1), join(root, LEDGER_PATH));
  });

  for (const [n, what] of [
    [1, 'the first file'],
    [3, 'a file in a new folder'],
    [4, 'the ledger'],
  ] as const) {
    it(`leaves the tree as it was when the disk fills up while writing ${what}`, () => {
      const root = repo();
      const before = snapshotTree(root);
      assert.throws(() => run(root, failingOn(n, 'ENOSPC')), (e: Error) => e instanceof CommitError && /ENOSPC[\s\S]*Nothing was written/.test(e.message));
      assert.deepEqual(snapshotTree(root), before, 'no file changed, no temporary file left');
      assert.deepEqual(readdirSync(root).sort(), ['.containerize', 'Makefile', 'compose.yaml', 'gone.txt'], 'the folders this commit created are gone too');
    });
  }

  it('refuses a read-only file or a folder in the way before writing anything', () => {
    const root = repo();
    chmodSync(join(root, 'Makefile'), 0o444);
    const before = snapshotTree(root);
    assert.throws(() => run(root), /Makefile is read-only[\s\S]*Nothing was written/);
    assert.deepEqual(snapshotTree(root), before);
    chmodSync(join(root, 'Makefile'), 0o644);
    mkdirSync(join(root, 'compose.yaml.d'));
    assert.throws(
      () => commitFiles([{ path: join(root, 'compose.yaml.d'), content: 'x\n' }], { root }),
      /compose\.yaml\.d is a folder/,
    );
  });

  it('fails cleanly when a folder cannot be created (a file is in its place)', () => {
    const root = repo();
    writeFileSync(join(root, 'deploy'), 'a file named like a folder\n');
    const before = snapshotTree(root);
    assert.throws(() => run(root), /Nothing was written/);
    assert.deepEqual(snapshotTree(root), before);
  });

  it('is not cut short by Ctrl-C: the commit finishes, then the run is told', async () => {
    const root = repo();
    const { interrupted } = await withSigint(() => {
      process.kill(process.pid, 'SIGINT'); // delivered while the synchronous commit runs
      run(root);
    });
    assert.equal(interrupted, true);
    assert.equal(readFileSync(join(root, LEDGER_PATH), 'utf8'), '{"new": true}\n', 'every file, the ledger included, was written');
  });
});

describe('ledger', () => {
  it('round-trips: per file its stage, the sha256 and our last render as lines', () => {
    const root = mkdtempSync(join(tmpdir(), 'ledger-'));
    const ledger: Ledger = new Map([
      ['compose.yaml', { stage: 'compose', render: 'services: {}\n' }],
      ['Makefile', { stage: 'dev', render: 'include containerize.mk\n', block: { prefix: '\n' } }],
      ['values.yaml', { stage: 'helm', render: 'a: 1\n', pending: 'a: 2\n' }],
    ]);
    const text = formatLedger(ledger);
    writeTree(root, { [LEDGER_PATH]: text });
    assert.deepEqual(readLedger(root), ledger);
    const json = JSON.parse(text);
    assert.deepEqual(Object.keys(json.files), ['Makefile', 'compose.yaml', 'values.yaml'], 'sorted: the same run gives the same bytes');
    assert.deepEqual(json.files['compose.yaml'].render, ['services: {}', '']);
    assert.match(json.files['compose.yaml'].sha256, /^[0-9a-f]{64}$/);
  });

  it('is a clear error when damaged: not JSON, or a copy that does not match its hash', () => {
    const root = mkdtempSync(join(tmpdir(), 'ledger-'));
    writeTree(root, { [LEDGER_PATH]: '{ "files": ' });
    assert.throws(() => readLedger(root), (e: Error) => e instanceof LedgerError && /not valid JSON[\s\S]*Restore it from git/.test(e.message));
    const text = formatLedger(new Map([['a', { stage: 's', render: 'x\n' }]])).replace('"x"', '"y"');
    writeTree(root, { [LEDGER_PATH]: text });
    assert.throws(() => readLedger(root), /damaged entry for a .*does not match its sha256/);
  });
});
