/** Docs for every option: docs/options.md names every option a generator shows in --help. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/tree.js';
import { GENERATOR_NAMES } from '../helpers/run.js';

const DOC = readFileSync(join(REPO_ROOT, 'docs', 'options.md'), 'utf8');
const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');

describe('docs/options.md', () => {
  for (const name of GENERATOR_NAMES) {
    it(`describes every option ${name} --help shows`, () => {
      const help = spawnSync(process.execPath, [BIN, name, '--help'], { encoding: 'utf8' }).stdout;
      const options = [...help.matchAll(/^\s+(?:-\w,\s+)?--([a-z-]+)\s+#/gm)].map((m) => m[1]!);
      assert.ok(options.includes('help'), `parsed the options of ${name}:\n${help}`);
      for (const option of options) assert.match(DOC, new RegExp(`\`--${option}\``), `--${option} of ${name}`);
      assert.ok(!options.includes('skip-install'), "Yeoman's install options are hidden");
    });
  }
});
