import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { goDetector, parseGoMod } from '../../../lib/languages/go/detect.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/languages');

const detect = (fixture: string, dir = '.') => {
  const repo = openRepo(join(FIXTURES, fixture));
  assert.ok(goDetector.matches(repo, dir), `${fixture}/${dir} should match go`);
  return goDetector.detect(repo, dir);
};

const tree = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'go-det-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return openRepo(root);
};

describe('go detector', () => {
  describe('linking (static binary or cgo)', () => {
    const MAIN = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n';
    const linking = (files: Record<string, string>) => goDetector.detect(tree(files), '.').linking;

    it('is static without cgo', () => {
      assert.deepEqual(linking({ 'go.mod': 'module example.com/app\n\ngo 1.23\n', 'main.go': MAIN }), { value: 'static', source: 'default' });
      assert.deepEqual(detect('go-nethttp').linking, { value: 'static', source: 'default' });
    });

    it('is dynamic for a file importing "C", alone or in an import block, with its line', () => {
      const cgo = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc hello() { C.puts(C.CString("hi")) }\n';
      assert.deepEqual(linking({ 'go.mod': 'module example.com/app\n\ngo 1.23\n', 'main.go': MAIN, 'hello.go': cgo }), { value: 'dynamic', source: 'hello.go:4' });
      const block = 'package main\n\nimport (\n\t"fmt"\n\t"C"\n)\n\nfunc hi() { fmt.Println(C.int(1)) }\n';
      assert.deepEqual(linking({ 'go.mod': 'module example.com/app\n\ngo 1.23\n', 'main.go': MAIN, 'c.go': block }), { value: 'dynamic', source: 'c.go:5' });
    });

    it('is dynamic for a module that needs cgo (go-sqlite3), named by its go.mod line', () => {
      const mod = 'module example.com/app\n\ngo 1.23\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n';
      assert.deepEqual(linking({ 'go.mod': mod, 'main.go': MAIN }), { value: 'dynamic', source: 'go.mod:5' });
    });

    it('is not fooled by "C" in a string, a comment, or a test file', () => {
      const notCgo = 'package main\n\nvar grades = []string{\n\t"A",\n\t"C",\n}\n// import "C" is how cgo starts\n';
      const test = 'package main\n\nimport "C"\n';
      assert.deepEqual(linking({ 'go.mod': 'module example.com/app\n\ngo 1.23\n', 'main.go': MAIN, 'grades.go': notCgo, 'main_test.go': test }), { value: 'static', source: 'default' });
    });
  });

  it('net/http with a toolchain line', () => {
    const f = detect('go-nethttp');
    assert.equal(f.language, 'go');
    assert.deepEqual(f.languageVersion, { value: '1.23', source: 'go.mod:5' });
    assert.deepEqual(f.packageManager, { value: 'go', source: 'go.mod' });
    assert.deepEqual(f.lockfile, { value: 'go.sum', source: 'go.sum' });
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.entry, { value: '.', source: 'main.go:1' });
    assert.deepEqual(f.build, { value: 'go build -o /out/hello .', source: 'main.go:1' });
    assert.deepEqual(f.start, { value: ['./hello'], source: 'main.go:1' });
    assert.equal(f.port, undefined, 'net/http ports come from code scanning');
    assert.equal(f.worker, false);
    assert.equal(f.library, false);
    assert.deepEqual(f.dependencies, []);
    assert.deepEqual(f.sourceFiles, ['main.go', 'go.mod']);
  });

  it('gin: framework from go.mod, direct requires only, vendor skipped', () => {
    const f = detect('go-gin');
    assert.deepEqual(f.languageVersion, { value: '1.22', source: 'go.mod:3' });
    assert.deepEqual(f.framework, { value: 'gin', source: 'go.mod:6' });
    assert.deepEqual(f.port, { value: 8080, source: 'default' });
    assert.deepEqual(f.dependencies, ['github.com/gin-gonic/gin', 'github.com/redis/go-redis/v9', 'github.com/jackc/pgx/v5']);
    assert.deepEqual(f.start?.value, ['./api']);
    assert.equal(f.build?.value, 'go build -o /out/api .');
    assert.equal(f.worker, false);
    assert.deepEqual(f.sourceFiles, ['internal/store/store.go', 'main.go', 'go.mod']);
  });

  it('cmd/ layout: prefers the command named like the module, others ignored', () => {
    const f = detect('go-cmd');
    assert.deepEqual(f.languageVersion, { value: '1.21', source: 'go.mod:3' });
    assert.deepEqual(f.framework, { value: 'chi', source: 'go.mod:5' });
    assert.deepEqual(f.entry, { value: './cmd/platform', source: 'cmd/platform/main.go:1' });
    assert.equal(f.build?.value, 'go build -o /out/platform ./cmd/platform');
    assert.deepEqual(f.start?.value, ['./platform']);
    assert.equal(f.lockfile?.value, null);
  });

  it('cmd/ layout without a matching name takes the first command', () => {
    const f = goDetector.detect(
      tree({ 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'cmd/worker/main.go': 'package main\n', 'cmd/api/main.go': 'package main\n' }),
      '.',
    );
    assert.equal(f.entry?.value, './cmd/api');
    assert.deepEqual(f.start?.value, ['./api']);
  });

  it('a worker that never listens', () => {
    const f = detect('go-worker');
    assert.equal(f.worker, true);
    assert.deepEqual(f.languageVersion, { value: '1.23', source: 'go.mod:3' });
    assert.deepEqual(f.dependencies, ['github.com/nats-io/nats.go']);
    assert.deepEqual(f.start?.value, ['./mailer']);
    assert.equal(f.port, undefined);
  });

  it('a module without a main package is a library', () => {
    const f = goDetector.detect(tree({ 'go.mod': 'module example.com/lib\n', 'lib.go': 'package lib\n' }), '.');
    assert.equal(f.library, true);
    assert.equal(f.start, undefined);
    assert.deepEqual(f.languageVersion, { value: '1.23', source: 'default' });
  });

  it('main package without go.mod builds the listed files', () => {
    const repo = tree({ 'main.go': 'package main\n\nfunc main() {}\n', 'util.go': 'package main\n', 'util_test.go': 'package main\n' });
    assert.ok(goDetector.matches(repo, '.'));
    const f = goDetector.detect(repo, '.');
    assert.equal(f.entry?.value, 'main.go util.go');
    assert.match(f.build!.value!, /^go build -o \/out\/\S+ main\.go util\.go$/);
    assert.deepEqual(f.packageManager, { value: 'go', source: 'default' });
    assert.equal(f.lockfile?.value, null);
  });

  it('does not match folders without go', () => {
    assert.equal(goDetector.matches(tree({ 'lib.go': 'package lib\n' }), '.'), false);
    assert.equal(goDetector.matches(openRepo(join(FIXTURES, 'python-worker')), '.'), false);
  });

  it('parses go.mod', () => {
    const m = parseGoMod('module a/b/v3\ngo 1.20\nrequire x.io/y v1.0.0 // indirect\nrequire z.io/w v0.1.0\n', 'go.mod');
    assert.equal(m.module, 'a/b/v3');
    assert.deepEqual(m.goVersion, { value: '1.20', source: 'go.mod:2' });
    assert.deepEqual(
      m.requires.map((r) => [r.path, r.indirect]),
      [
        ['x.io/y', true],
        ['z.io/w', false],
      ],
    );
  });
});
