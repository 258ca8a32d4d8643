/**
 * Model fields are data, never syntax; a bad input is an error a person can act on
 * (issue 10). Each case here is a regression test of a reported attack or defect:
 * - a line break in `build`, `entry`, `lockfile`, a Go `start[0]` or a folder name became its
 *   own Dockerfile instruction (`USER 0:0`) and the run exited 0;
 * - a line break in a folder name broke out of a comment in .env.example;
 * - `dependsOn: redis` (a string) was split into letters; a line break in `framework` gave a
 *   YAML parser message; `--set web.env.DB_PASSWORD=hunter2` crashed with an EJS stack trace;
 * - two folders `my_svc` and `my-svc` were renamed `my-svc-2` without a word; a 10 MB or
 *   binary package.json was ignored without a word.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { detectStack } from '../../lib/detect/stack.js';
import { setsToLayer, mergeLayers, SetError } from '../../lib/model/merge.js';
import { checkModel } from '../../lib/model/validate.js';
import type { StackModel } from '../../lib/model/types.js';
import { taskboard } from '../helpers/models.js';
import { runGenerator } from '../helpers/run.js';
import { TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';

/** A repository holding the taskboard model's folders. */
function repo(extra: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'inputs-'));
  for (const d of ['web', 'api', 'worker', 'stats', ...extra]) mkdirSync(join(root, d), { recursive: true });
  return root;
}
const clone = (): StackModel => structuredClone(taskboard);

/** Every problem names its field, shows the value, says what is expected and gives an example. */
function assertActionable(problems: string[], field: string): void {
  const mine = problems.filter((p) => p.startsWith(`${field}:`) || p.startsWith(`${field} `));
  assert.ok(mine.length, `no problem names ${field}:\n${problems.join('\n')}`);
  for (const p of mine) assert.match(p, /expected|e\.g\./, `not actionable: ${p}`);
  for (const p of mine) assert.doesNotMatch(p, /\n/, `a problem spans lines (a raw line break from the value?): ${JSON.stringify(p)}`);
}

describe('model fields are data, never syntax (issue 10)', () => {
  const INJECTION = 'x\nUSER 0:0';
  const cases: [string, (m: StackModel) => void][] = [
    ['services.worker.build', (m) => (m.services.worker!.build = `go build -o /out/worker .\nUSER 0:0`)],
    ['services.worker.entry', (m) => (m.services.worker!.entry = `.${INJECTION}`)],
    ['services.api.lockfile', (m) => (m.services.api!.lockfile = `requirements.txt${INJECTION}`)],
    ['services.worker.start', (m) => (m.services.worker!.start = [`./worker\nUSER 0:0`])],
    ['services.web.path', (m) => (m.services.web!.path = `web${INJECTION}`)],
    ['services.web.framework', (m) => (m.services.web!.framework = `express\ninjected: true`)],
    ['services.web.packageManager', (m) => (m.services.web!.packageManager = `npm\nUSER 0:0`)],
    ['services.web.outputDir', (m) => (m.services.web!.outputDir = `dist${INJECTION}`)],
    ['services.web.healthPath', (m) => (m.services.web!.healthPath = `/healthz${INJECTION}`)],
    ['services.web.languageVersion', (m) => (m.services.web!.languageVersion = `22${INJECTION}`)],
    ['services.stats.env.LISTEN_ADDR.value', (m) => (m.services.stats!.env.LISTEN_ADDR = { value: 'x\u0000USER 0:0', secret: false })],
    ['services.worker.build', (m) => (m.services.worker!.build = 'go build -o /out/worker . \\')],
    ['services.worker.build', (m) => (m.services.worker!.build = 'cat <<EOF')],
    ['services.worker.start', (m) => (m.services.worker!.start = ['./my worker'])],
  ];
  for (const [field, mutate] of cases) {
    it(`refuses a hostile ${field.split('.').slice(2).join('.')} with a clear error naming ${field}`, () => {
      const m = clone();
      mutate(m);
      assertActionable(checkModel(m, repo()), field);
    });
  }

  it('a refused build never reaches a Dockerfile as an instruction: the generator run fails and writes nothing', async () => {
    let dir = '';
    await assert.rejects(
      runGenerator('app')
        .inTmpDir((d) => {
          dir = d;
          writeTree(d, TWO_SERVICES);
        })
        .withOptions({ yes: true, set: ['api.build=pip install --no-deps .\nUSER 0:0'] })
        .withAnswers({}, { throwOnMissingAnswer: true }),
      /services\.api\.build: "pip install --no-deps \.\\nUSER 0:0" holds a line break; expected one shell command line/,
    );
    assert.deepEqual(Object.keys(snapshotTree(dir)).sort(), Object.keys(TWO_SERVICES).sort());
  });

  it('a valid model with quotes, $ and spaces in its words still renders them as exec-form data', () => {
    const m = clone();
    m.services.api!.start = ['python', '-c', "print('$HOME; rm -rf /')"];
    assert.deepEqual(checkModel(m, repo()), []);
    const df = dockerfileFiles(m).find((f) => f.path === 'api/Dockerfile')!.content;
    assert.match(df, /^CMD \["python", "-c", "print\('\$HOME; rm -rf \/'\)"\]$/m);
    assert.equal(df.split('\n').filter((l) => /^USER /.test(l)).length, 2, 'one USER per stage that sets it, nothing injected');
  });

  it('a folder whose name holds a line break is not made a service, and detection says why (no comment break-out in .env.example)', () => {
    const root = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeTree(root, { ...TWO_SERVICES, 'evil\n# injected\nUSER 0:0/package.json': TWO_SERVICES['web/package.json']!, 'evil\n# injected\nUSER 0:0/server.js': TWO_SERVICES['web/server.js']! });
    const d = detectStack(root);
    assert.deepEqual(Object.values(d.services).map((s) => s.path).sort(), ['api', 'web']);
    assert.ok(d.warnings.some((w) => /^evil\\n# injected\\nUSER 0:0: not searched for services: its name holds characters/.test(w)), d.warnings.join('\n'));
  });
});

describe('a wrong type is an error, never coerced (issue 10)', () => {
  it('dependsOn given as a string is refused, not split into letters', () => {
    const m = clone();
    (m.services.worker as any).dependsOn = 'redis';
    const problems = checkModel(m, repo());
    assert.deepEqual(problems, ['services.worker.dependsOn: "redis" is a string; expected a list of service and backing service names, e.g. [redis, api] (on the command line: --set worker.dependsOn=redis,api)']);
  });

  it('an env variable given as a string (an answers file) is refused with the shape it needs', () => {
    const m = clone();
    (m.services.web!.env as any).LOG_LEVEL = 'debug';
    assertActionable(checkModel(m, repo()), 'services.web.env.LOG_LEVEL');
  });

  it('ports, booleans and lists of the wrong type are refused, naming the value and an example', () => {
    const m = clone();
    (m.services.web as any).port = '3000';
    (m.services.web as any).public = 'yes';
    (m.services.web as any).start = 'node server.js';
    const problems = checkModel(m, repo());
    assert.ok(problems.includes('services.web.port: "3000" is not a port; expected an integer from 1 to 65535 (null for a worker with no port), e.g. 3000'), problems.join('\n'));
    assert.ok(problems.includes('services.web.public: "yes" is a string; expected true or false, e.g. true'), problems.join('\n'));
    assertActionable(problems, 'services.web.start');
  });

  it('an unknown field is refused (a misspelt prot: would otherwise be ignored)', () => {
    const m = clone();
    (m.services.web as any).prot = 3001;
    assert.ok(checkModel(m, repo()).some((p) => p.startsWith('services.web.prot: is not a field of a service; expected one of path, language')));
  });

  it('a missing field says what it expects', () => {
    const m = clone();
    delete (m.services.web as any).framework;
    assertActionable(checkModel(m, repo()), 'services.web.framework');
  });

  it('names YAML 1.1 reads as booleans (on, yes, n) are refused: Helm and kustomize would read a boolean', () => {
    const m = clone();
    m.services.on = m.services.web!;
    delete m.services.web;
    assertActionable(checkModel(m, repo()), 'services.on');
  });
});

describe('--set and --not-secret (issue 10)', () => {
  it('--set web.env.DB_PASSWORD=hunter2 is a clear model error (it crashed in a template before), naming the way out', async () => {
    await assert.rejects(
      runGenerator('app')
        .inTmpDir((d) => writeTree(d, TWO_SERVICES))
        .withOptions({ yes: true, set: ['web.env.DB_PASSWORD=hunter2'] })
        .withAnswers({}, { throwOnMissingAnswer: true }),
      (error: Error) => {
        assert.match(error.message, /services\.web\.env\.DB_PASSWORD: is given the value "hun…" \(not shown in full\) as plain text, but it looks like a secret \(its name says PASSWORD\)/);
        assert.match(error.message, /--set web\.env\.DB_PASSWORD=null/);
        assert.match(error.message, /--not-secret web\.DB_PASSWORD/);
        assert.doesNotMatch(error.message, /hunter2|ejs|at .*\.js:\d+/);
        return true;
      },
    );
  });

  it('--set env values become {value, secret: false}; --not-secret insists a secret-looking one is plain', () => {
    const layer = mergeLayers(setsToLayer(['web.env.AUTH_MODE=oauth', 'web.env.LOG=null']));
    assert.deepEqual((layer.services as any).web.env, { AUTH_MODE: { value: 'oauth', secret: false }, LOG: { value: null, secret: false } });
  });

  it('malformed --set flags say how to write them', () => {
    assert.throws(() => setsToLayer(['web.start=[oops']), (e: Error) => e instanceof SetError && /not a JSON list .* e\.g\. --set web\.start="node server\.js"/.test(e.message));
    assert.throws(() => setsToLayer(['web=3000']), /names no field of service "web"; e\.g\. --set web\.port=3000/);
    assert.throws(() => setsToLayer(['port']), /must look like <path>=<value>, e\.g\. --set web\.port=3000/);
  });
});

describe('detection tells what it skipped (issue 10)', () => {
  it('two folders my_svc and my-svc: the second is renamed and detection says so', () => {
    const root = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeTree(root, {
      'my_svc/package.json': TWO_SERVICES['web/package.json']!.replace('"web"', '"x"'),
      'my_svc/server.js': TWO_SERVICES['web/server.js']!,
      'my-svc/package.json': TWO_SERVICES['web/package.json']!.replace('"web"', '"y"'),
      'my-svc/server.js': TWO_SERVICES['web/server.js']!,
    });
    const d = detectStack(root);
    assert.deepEqual(Object.keys(d.services).sort(), ['my-svc', 'my-svc-2']);
    assert.ok(d.warnings.some((w) => /^my_svc: its name would be "my-svc", which my-svc already has .* it is named "my-svc-2"/.test(w)), d.warnings.join('\n'));
  });

  it('a 10 MB package.json and a binary one are reported, not ignored without a word', () => {
    const root = mkdtempSync(join(tmpdir(), 'inputs-'));
    writeTree(root, { ...TWO_SERVICES, 'big/server.js': 'require("http").createServer().listen(3000)\n', 'bin/x': '' });
    writeFileSync(join(root, 'big', 'package.json'), `{"name":"big","description":"${'x'.repeat(10 * 1024 * 1024)}"}`);
    mkdirSync(join(root, 'blob'), { recursive: true });
    writeFileSync(join(root, 'blob', 'package.json'), Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x7d]));
    const d = detectStack(root);
    assert.ok(d.warnings.some((w) => /^big\/package\.json: not read \(10\.0 MB, larger than the 512 KiB detection reads\)/.test(w)), d.warnings.join('\n'));
    assert.ok(d.warnings.some((w) => /^blob\/package\.json: not read \(a binary file/.test(w)), d.warnings.join('\n'));
    assert.ok(existsSync(join(root, 'big', 'package.json')));
  });
});

describe('the Go binary is read from the start command, and the build must write it', () => {
  it('a build writing another program than the one start runs is refused, naming both fields; matching ones pass', () => {
    const m = clone();
    assert.equal(m.services.worker!.language, 'go');
    assert.deepEqual(checkModel(m, repo()).filter((p) => p.includes('worker.build') || p.includes('worker.start')), []);
    m.services.worker!.build = 'go build -o /out/other ./cmd/worker';
    const problems = checkModel(m, repo());
    assertActionable(problems, 'services.worker.build');
    assertActionable(problems, 'services.worker.start');
    assert.match(problems.join('\n'), /writes \/out\/other but the start command runs worker/);
  });
  it('the Dockerfile copies and runs the program start names', () => {
    const m = clone();
    const text = dockerfileFiles(m).find((f) => f.path === 'worker/Dockerfile')!.content;
    const bin = m.services.worker!.start[0]!.replace(/^.*\//, '');
    assert.match(text, new RegExp(`/out/${bin}\\b`));
  });
});
