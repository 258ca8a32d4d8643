/**
 * The ci and cd stages as a user meets them: the delivery flags (--registry-kind,
 * --deploy-tool, --previews) and --set delivery.*, validated and stored; a re-run that
 * changes nothing; the user's own .github/dependabot.yml never overwritten.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { result } from 'yeoman-test';
import { runLog } from '../../lib/write/writer.js';
import { formatSummary } from '../../lib/write/writer.js';
import { runGenerator } from '../helpers/run.js';
import { REPO_ROOT, TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';
import { cpSync, readdirSync } from 'node:fs';
import { runLint } from '../helpers/actionlint.js';
import { workflowParserErrors } from '../helpers/workflow-parser.js';

const strict = { throwOnMissingAnswer: true } as const;
const readRc = (dir: string) => JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'containerize-ci-'));
  writeTree(dir, TWO_SERVICES);
  return dir;
};

describe('ci and cd stages (generator)', function () {
  this.timeout(120000);

  it('by default: GHCR, kustomize, no previews; nothing stored for delivery; a re-run changes no byte', async () => {
    const dir = scratch();
    await runGenerator('app').cd(dir).withOptions({ yes: true, name: 'shop', registry: 'ghcr.io/acme' }).withAnswers({}, strict);
    assert.equal(readRc(dir).delivery, undefined);
    for (const f of ['.github/workflows/ci.yml', '.github/workflows/cd.yml', '.github/dependabot.yml', 'ci/changes.sh', 'ci/lint.sh', 'ci/smoke.sh', 'ci/tag.sh', 'ci/deploy.sh'])
      assert.ok(existsSync(join(dir, f)), f);
    assert.ok(!existsSync(join(dir, '.github/workflows/preview.yml')));
    assert.match(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8'), /registry: ghcr\.io\n\s+username: \$\{\{ github\.actor \}\}/);
    assert.match(readFileSync(join(dir, 'ci/deploy.sh'), 'utf8'), /tool=kustomize/);
    const before = snapshotTree(dir);
    await runGenerator('app').cd(dir).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('--registry-kind, --deploy-tool and --previews are stored in .yo-rc.json and change the workflows', async () => {
    await runGenerator('app')
      .inTmpDir((d) => writeTree(d, TWO_SERVICES))
      .withOptions({ yes: true, name: 'shop', registry: 'registry.example.com/team', registryKind: 'generic', deployTool: 'helm', previews: true })
      .withAnswers({}, strict);
    assert.deepEqual(readRc(result.cwd).delivery, { deployTool: 'helm', previews: true, registryKind: 'generic' });
    assert.ok(existsSync(join(result.cwd, '.github/workflows/preview.yml')));
    const ci = readFileSync(join(result.cwd, '.github/workflows/ci.yml'), 'utf8');
    assert.match(ci, /username: \$\{\{ vars\.REGISTRY_USERNAME \}\}\n\s+password: \$\{\{ secrets\.REGISTRY_PASSWORD \}\}/);
    assert.doesNotMatch(ci, /packages: write/);
    assert.match(readFileSync(join(result.cwd, 'ci/deploy.sh'), 'utf8'), /tool=helm/);
  });

  it('--set delivery.previews=true works like the flag', async () => {
    await runGenerator('app')
      .inTmpDir((d) => writeTree(d, TWO_SERVICES))
      .withOptions({ yes: true, name: 'shop', set: ['delivery.previews=true', 'delivery.deployTool=kustomize'] })
      .withAnswers({}, strict);
    assert.deepEqual(readRc(result.cwd).delivery, { deployTool: 'kustomize', previews: true });
  });

  for (const [what, options, message] of [
    ['an unknown registry kind', { registryKind: 'quay' }, /delivery\.registryKind: "quay" is not one of them; expected one of ghcr, dockerhub, ecr, gar, acr, generic, e\.g\. ghcr/],
    ['an unknown deploy tool', { deployTool: 'argo' }, /delivery\.deployTool: "argo" is not one of them; expected one of kustomize, helm, e\.g\. helm/],
    ['previews that are not a boolean', { set: ['delivery.previews=maybe'] }, /delivery\.previews: "maybe" is a string; expected true or false/],
  ] as [string, Record<string, unknown>, RegExp][]) {
    it(`rejects ${what}, writing nothing`, async () => {
      let dir = '';
      await assert.rejects(
        runGenerator('app')
          .inTmpDir((d) => {
            dir = d;
            writeTree(d, TWO_SERVICES);
          })
          .withOptions({ yes: true, name: 'shop', ...options })
          .withAnswers({}, strict),
        (error: Error) => message.test(error.message),
      );
      assert.ok(!existsSync(join(dir, '.yo-rc.json')));
      assert.ok(!existsSync(join(dir, '.github')));
    });
  }

  it('the user\'s own .github/dependabot.yml is kept: ours goes beside it, and the summary says so', async () => {
    const theirs = 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /web\n    schedule: { interval: daily }\n';
    await runGenerator('app')
      .inTmpDir((d) => {
        writeTree(d, TWO_SERVICES);
        mkdirSync(join(d, '.github'), { recursive: true });
        writeFileSync(join(d, '.github/dependabot.yml'), theirs);
      })
      .withOptions({ yes: true, name: 'shop' })
      .withAnswers({}, strict);
    assert.equal(readFileSync(join(result.cwd, '.github/dependabot.yml'), 'utf8'), theirs);
    const ours = parse(readFileSync(join(result.cwd, '.github/dependabot.containerize.yml'), 'utf8'));
    assert.ok(ours.updates.some((u: any) => u['package-ecosystem'] === 'github-actions'));
    const summary = formatSummary(runLog(result.env), (p) => p);
    assert.match(summary, /Yours, kept as they are \(ours beside them\):\n  \.github\/dependabot\.yml → ours: \.github\/dependabot\.containerize\.yml/);
    // What to set in GitHub, read from the workflows just written (the registry detected here is
    // localhost: a generic registry, so a user and password besides the cluster credentials).
    assert.match(summary, /in GitHub, set secret KUBE_CONFIG, secret REGISTRY_PASSWORD, variable REGISTRY_USERNAME: the operations guide the docs stage wrote \(operations\.md\) says where/);
  });

  it('dependabot.yml keeps actions, every Dockerfile\'s base images, compose.yaml\'s images and each service\'s packages current', async () => {
    await runGenerator('app').inTmpDir((d) => writeTree(d, TWO_SERVICES)).withOptions({ yes: true, name: 'shop' }).withAnswers({}, strict);
    const rc = readRc(result.cwd);
    const config = parse(readFileSync(join(result.cwd, '.github/dependabot.yml'), 'utf8'));
    const got = config.updates.map((u: any) => `${u['package-ecosystem']} ${u.directory}`);
    assert.ok(got.includes('github-actions /'));
    assert.ok(got.includes('docker-compose /'));
    for (const svc of Object.values(rc.services) as any[]) assert.ok(got.includes(`docker /${svc.path}`), svc.path);
    assert.ok(got.includes('npm /web') && got.includes('pip /api'), got.join(', '));
  });

  it('the bundled example (examples/taskboard, detected): every workflow passes actionlint and GitHub\'s parser', async () => {
    await runGenerator('app')
      .inTmpDir((d) => cpSync(join(REPO_ROOT, 'examples', 'taskboard'), d, { recursive: true }))
      .withOptions({ yes: true, registry: 'ghcr.io/acme', previews: true })
      .withAnswers({}, strict);
    const dir = join(result.cwd, '.github', 'workflows');
    const names = readdirSync(dir).sort();
    assert.deepEqual(names, ['cd.yml', 'ci.yml', 'preview.yml']);
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'utf8');
      assert.deepEqual((await runLint(text, `.github/workflows/${name}`)).map((p) => `${p.line}:${p.column} ${p.message}`), [], name);
      assert.deepEqual(workflowParserErrors(name, text), [], name);
    }
  });
});
