/**
 * Detection reads only what it needs: nothing below node_modules, .git, a virtualenv
 * (.venv, venv, or any folder holding pyvenv.cfg), build output or a vendored tree is
 * listed, stat'ed or read, and each folder is listed and each file read at most once.
 * Every disk access goes through a counting RepoFs handed to detectStack.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectStack } from '../../lib/detect/stack.js';
import { nodeFs, type RepoFs } from '../../lib/detect/repo.js';

const LANGUAGES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/languages');

/** Folders whose insides detection must never touch, with the poison put in each. */
const POISONED = [
  'node_modules/express',
  'node_modules/.bin',
  '.git/objects',
  '.venv/lib/python3.12/site-packages/flask',
  'venv/lib/python3.12/site-packages/django',
  'py311/lib/python3.11/site-packages/fastapi',
  'dist',
  'build/lib',
  'target/release',
  'vendor/github.com/gin-gonic/gin',
  '__pycache__',
];

/** A file that, read, would add a service, a port, a backing service or an env variable. */
function poison(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'poison', dependencies: { express: '4', pg: '8' }, scripts: { start: 'node server.js' } }));
  writeFileSync(join(dir, 'server.js'), "require('express')().listen(process.env.POISON_PORT || 9999); new (require('pg').Pool)({ connectionString: 'postgres://poison-db/x' });\n");
  writeFileSync(join(dir, 'requirements.txt'), 'flask\nredis\n');
  writeFileSync(join(dir, 'main.go'), 'package main\nfunc main() { http.ListenAndServe(":9998", nil) }\n');
}

function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'reads-'));
  for (const [name, fixture] of [['api', 'node-express-npm'], ['worker', 'python-worker'], ['edge', 'go-nethttp']] as const) {
    const svc = join(root, 'services', name);
    cpSync(join(LANGUAGES, fixture), svc, { recursive: true });
    for (const p of POISONED) poison(join(svc, p));
  }
  for (const p of POISONED) poison(join(root, p));
  // A virtualenv under a name of its own: recognized by its pyvenv.cfg.
  writeFileSync(join(root, 'py311', 'pyvenv.cfg'), 'home = /usr/bin\n');
  for (const name of ['api', 'worker', 'edge']) writeFileSync(join(root, 'services', name, 'py311', 'pyvenv.cfg'), 'home = /usr/bin\n');
  return root;
}

interface Counts {
  readdir: Map<string, number>;
  stat: Map<string, number>;
  readFile: Map<string, number>;
  realpath: Map<string, number>;
}

function counting(root: string): { fs: RepoFs; counts: Counts } {
  const counts: Counts = { readdir: new Map(), stat: new Map(), readFile: new Map(), realpath: new Map() };
  const bump = (m: Map<string, number>, abs: string) => {
    const rel = relative(root, abs).split(sep).join('/') || '.';
    m.set(rel, (m.get(rel) ?? 0) + 1);
  };
  return {
    counts,
    fs: {
      readdir: (abs) => (bump(counts.readdir, abs), nodeFs.readdir(abs)),
      stat: (abs) => (bump(counts.stat, abs), nodeFs.stat(abs)),
      readFile: (abs) => (bump(counts.readFile, abs), nodeFs.readFile(abs)),
      realpath: (abs) => (bump(counts.realpath, abs), nodeFs.realpath(abs)),
    },
  };
}

/** The poisoned folder a path is below, if any (the folder itself may be listed by its parent, never opened). */
function insidePoison(rel: string): string | undefined {
  for (const p of POISONED) {
    const top = p.split('/')[0]!;
    const parts = rel.split('/');
    const i = parts.indexOf(top);
    if (i >= 0 && i < parts.length) return `${top} (${rel})`;
  }
  return undefined;
}

describe('detection reads only what it needs', () => {
  let root: string;
  before(() => {
    root = makeRepo();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds the three services and nothing from the poisoned folders', () => {
    const d = detectStack(root);
    assert.deepEqual(Object.keys(d.services).sort(), ['api', 'edge', 'worker']);
    const text = JSON.stringify(d);
    for (const word of ['POISON_PORT', '9999', '9998', 'poison-db']) assert.ok(!text.includes(word), `${word} came from a folder detection must not read`);
  });

  it('never lists, stats or reads anything inside node_modules, .git, virtualenvs, build output or vendor', () => {
    const { fs, counts } = counting(root);
    detectStack(root, { fs });
    const touched = [...counts.readdir.keys(), ...counts.stat.keys(), ...counts.readFile.keys(), ...counts.realpath.keys()];
    // The virtualenv without a telling name is recognized by listing its top folder (pyvenv.cfg):
    // that one listing is allowed, nothing below it.
    const venvTop = (rel: string) => /(^|\/)py311$/.test(rel) && counts.readdir.has(rel);
    // The one file of .git detection reads: config, for the registry of a GitHub origin remote.
    const gitConfig = (rel: string) => rel === '.git' || rel === '.git/config';
    const bad = touched.filter((rel) => insidePoison(rel) && !venvTop(rel) && !gitConfig(rel));
    assert.deepEqual(bad, []);
    assert.ok(counts.readFile.size > 5, 'the services were read');
  });

  it('lists each folder and reads each file at most once', () => {
    const { fs, counts } = counting(root);
    detectStack(root, { fs });
    const twice = (m: Map<string, number>) => [...m].filter(([, n]) => n > 1).map(([p, n]) => `${p} ×${n}`);
    assert.deepEqual(twice(counts.readdir), [], 'folders listed twice');
    assert.deepEqual(twice(counts.readFile), [], 'files read twice');
    assert.deepEqual(twice(counts.stat), [], 'paths stat’ed twice');
  });
});
