/**
 * What `yo` sees after `npm link` or a global install: yeoman-environment's own
 * lookup over the package finds exactly our generators, as built JavaScript
 * (dist/generators/<name>/index.js), never a TypeScript source it could not load.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import { REPO_ROOT } from '../helpers/tree.js';
import { GENERATOR_NAMES } from '../helpers/run.js';

describe('generator lookup (what yo finds)', () => {
  it('registers every generator as containerize:<name> from dist, and nothing else', async () => {
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'generators', 'app', 'index.js')), 'run `npm run build` first (npm test does)');
    const modules = join(mkdtempSync(join(tmpdir(), 'lookup-')), 'node_modules');
    mkdirSync(modules);
    symlinkSync(REPO_ROOT, join(modules, 'generator-containerize')); // what `npm link` makes
    const env = createEnv();
    const found = await env.lookup({ npmPaths: [modules] });
    const got = Object.fromEntries(found.map((g) => [g.namespace, g.resolved.slice(REPO_ROOT.length + 1)]));
    assert.deepEqual(
      got,
      Object.fromEntries([...GENERATOR_NAMES].sort().map((n) => [`containerize:${n}`, `dist/generators/${n}/index.js`])),
    );
  });
});
