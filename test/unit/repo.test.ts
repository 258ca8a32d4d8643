import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepo } from '../../lib/detect/repo.js';

describe('openRepo', () => {
  it('walks files, skipping dependency folders, and locates lines', () => {
    const root = mkdtempSync(join(tmpdir(), 'repo-'));
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'node_modules/x'), { recursive: true });
    writeFileSync(join(root, 'src/a.js'), 'const a = 1;\napp.listen(3000);\n');
    writeFileSync(join(root, 'node_modules/x/index.js'), 'app.listen(1);\n');
    const repo = openRepo(root);
    assert.deepEqual(repo.walk('.'), ['src/a.js']);
    assert.equal(repo.locate('src/a.js', /listen\((\d+)\)/), 'src/a.js:2');
    assert.equal(repo.read('missing'), null);
  });
});
