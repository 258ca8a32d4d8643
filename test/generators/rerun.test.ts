/**
 * Re-runs on a scaffolded copy of examples/taskboard, as a team meets them
 * after editing generated files (issue 9): edits survive adding and removing
 * components, a conflict is reported and kept, a template upgrade reaches the
 * files nobody edited and is merged into the others, --dry-run writes
 * nothing, .yo-resolve is honoured, a terminal user is shown real diffs.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { formatLedger, LEDGER_PATH, readLedger, sha256 } from '../../lib/write/ledger.js';
import { conflictsOf, runLog } from '../../lib/write/writer.js';
import { runGenerator } from '../helpers/run.js';
import { REPO_ROOT, snapshotTree, writeTree } from '../helpers/tree.js';

const strict = { throwOnMissingAnswer: true } as const;
const EXAMPLE = join(REPO_ROOT, 'examples', 'taskboard');
const CHART = 'deploy/helm/taskboard';
/** The kustomize base's Deployments (kustomize is the default deployment tool). */
const BASE_DEPLOYMENTS = 'deploy/kubernetes/base/deployment.yaml';
const opts = (o: Record<string, unknown>) => o as never;
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const logged = (result: { env: unknown }): string =>
  (result.env as { adapter: { log: { mock: { calls: { arguments: unknown[] }[] } } } }).adapter.log.mock.calls.map((c) => String(c.arguments[0])).join('\n');

/** A Node service that keeps its tasks in Postgres. */
const ADMIN = {
  'admin/package.json': JSON.stringify({ name: 'admin', version: '1.0.0', private: true, engines: { node: '>=22' }, scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0', pg: '^8.13.0' } }, null, 2),
  'admin/package-lock.json': JSON.stringify({ name: 'admin', lockfileVersion: 3, requires: true, packages: {} }, null, 2),
  'admin/server.js': [
    "const express = require('express');",
    "const { Pool } = require('pg');",
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
    'const app = express();',
    "app.get('/healthz', (req, res) => res.json({ ok: true }));",
    "app.get('/count', async (req, res) => res.json((await pool.query('select count(*) from tasks')).rows[0]));",
    'app.listen(process.env.PORT || 4000);',
    '',
  ].join('\n'),
};

/** The team's edits: a label in compose.yaml, a LABEL in web's Dockerfile, a note in the kustomize base's Deployments. */
function editAsTeam(dir: string): void {
  const compose = read(dir, 'compose.yaml');
  assert.match(compose, /^ {2}web:\n/m);
  writeFileSync(join(dir, 'compose.yaml'), compose.replace(/^ {2}web:\n/m, '  web:\n    labels:\n      team: ui\n'));
  const dockerfile = read(dir, 'web/Dockerfile');
  writeFileSync(join(dir, 'web/Dockerfile'), dockerfile.replace(/^ENTRYPOINT /m, 'LABEL org.opencontainers.image.vendor="acme"\nENTRYPOINT '));
  writeFileSync(join(dir, BASE_DEPLOYMENTS), `# Reviewed by the platform team.\n${read(dir, BASE_DEPLOYMENTS)}`);
}

function assertTeamEdits(dir: string): void {
  assert.deepEqual(parse(read(dir, 'compose.yaml')).services.web.labels, { team: 'ui' }, 'compose.yaml edit');
  assert.match(read(dir, 'web/Dockerfile'), /^LABEL org\.opencontainers\.image\.vendor="acme"\nENTRYPOINT /m, 'Dockerfile edit');
  assert.match(read(dir, BASE_DEPLOYMENTS), /^# Reviewed by the platform team\.\n# The application's services/, 'deployment.yaml edit');
}

describe('re-runs on a scaffolded taskboard', function () {
  let scaffold: string;
  before(async () => {
    scaffold = join(mkdtempSync(join(tmpdir(), 'scaffold-')), 'taskboard');
    cpSync(EXAMPLE, scaffold, { recursive: true });
    await runGenerator('app').cd(scaffold).withOptions(opts({ yes: true })).withAnswers({}, strict);
  });
  after(() => {
    process.exitCode = 0;
  });
  /** A fresh copy of the scaffolded example, the team's edits made when asked. */
  const copy = (edited = true): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rerun-')), 'taskboard');
    cpSync(scaffold, dir, { recursive: true });
    if (edited) editAsTeam(dir);
    return dir;
  };

  it('keeps the team\'s edits while adding a Postgres and a Node service, which reach every output; removing both restores the tree', async () => {
    const dir = copy();
    writeTree(dir, ADMIN);
    const before = snapshotTree(dir);

    await runGenerator('service').cd(dir).withArguments(['postgres']).withOptions(opts({ kind: 'postgres', yes: true })).withAnswers({}, strict);
    const added = await runGenerator('service').cd(dir).withArguments(['admin']).withOptions(opts({ yes: true })).withAnswers({}, strict);
    assertTeamEdits(dir);
    const log = runLog(added.env);
    assert.deepEqual(conflictsOf(log), []);
    assert.deepEqual(
      log.actions.filter((a) => a.status === 'merged').map((a) => a.path).sort(),
      ['compose.yaml', BASE_DEPLOYMENTS],
      'the edited aggregate files are merged, the others updated silently',
    );

    // The new service, and the database it is wired to, in every output.
    const compose = parse(read(dir, 'compose.yaml'));
    assert.ok(compose.services.admin && compose.services.postgres);
    assert.deepEqual(compose.services.admin.depends_on, { postgres: { condition: 'service_healthy' } });
    assert.match(read(dir, 'secrets/create.sh'), /DATABASE_URL=postgresql:\/\/app:'"\$\(cat postgres-password\)"'@postgres:5432\/taskboard/, 'admin is wired to the database');
    assert.ok(parse(read(dir, 'compose.override.yaml')).services.admin, 'dev layer');
    assert.match(read(dir, 'Makefile'), /^SERVICES := .*\badmin\b.*\bpostgres\b/m);
    assert.match(read(dir, 'Makefile'), /^test-admin: /m);
    assert.match(read(dir, '.env.example'), /^# --- admin \(admin\/, node\) ---$/m);
    assert.ok(existsSync(join(dir, 'admin/Dockerfile')) && existsSync(join(dir, 'admin/.dockerignore')));
    const names = (file: string) => parseAllDocuments(read(dir, file)).map((d) => (d.toJSON() as { metadata?: { name?: string } })?.metadata?.name);
    assert.ok(names('deploy/kubernetes/base/deployment.yaml').includes('taskboard-admin'), 'kustomize Deployment');
    assert.ok(names('deploy/kubernetes/base/backing.yaml').includes('taskboard-postgres'), 'kustomize backing service');
    assert.ok(names('deploy/kubernetes/base/service.yaml').includes('admin'), 'kustomize Service');
    assert.ok(existsSync(join(dir, 'deploy/kubernetes/components/external-postgres/kustomization.yaml')), 'a managed-database component');
    assert.ok(!existsSync(join(dir, 'deploy/helm')), 'no chart: kustomize is the deployment tool');

    await runGenerator('service').cd(dir).withArguments(['admin']).withOptions(opts({ remove: true, yes: true })).withAnswers({}, strict);
    await runGenerator('service').cd(dir).withArguments(['postgres']).withOptions(opts({ remove: true, yes: true })).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), before, 'the same bytes as before the two were added, the team\'s edits included');
    assert.ok(!existsSync(join(dir, 'deploy/kubernetes/components/external-postgres')), 'the folders that came with them are gone too');
  });

  it('changing the deployment tool removes the old tool\'s files nobody edited, keeps and reports the edited one, and writes the new tool\'s', async () => {
    const dir = copy();
    const result = await runGenerator('app').cd(dir).withOptions(opts({ yes: true, deployTool: 'helm' })).withAnswers({}, strict);
    const log = runLog(result.env);
    assert.deepEqual(conflictsOf(log), []);
    const kept = log.actions.filter((a) => a.path.startsWith('deploy/kubernetes/') && existsSync(join(dir, a.path))).map((a) => a.path);
    assert.deepEqual(kept, [BASE_DEPLOYMENTS], 'only the edited file stays');
    assert.match(logged(result), /kept\s+deploy\/kubernetes\/base\/deployment\.yaml\s+\(no longer generated, but you edited it/);
    assertTeamEdits(dir);
    assert.ok(!existsSync(join(dir, 'deploy/kubernetes/overlays')), 'the untouched overlays are removed');
    const removed = log.actions.filter((a) => a.status === 'remove').map((a) => a.path);
    assert.deepEqual(log.actions.filter((a) => a.status === 'orphan').map((a) => a.path), [BASE_DEPLOYMENTS]);
    assert.ok(removed.includes('deploy/kubernetes/base/kustomization.yaml') && removed.includes('deploy/kubernetes/README.md'), removed.join('\n'));
    assert.ok(existsSync(join(dir, `${CHART}/Chart.yaml`)), 'the chart is written');
    assert.ok(![...readLedger(dir).keys()].includes(BASE_DEPLOYMENTS), 'the edited file is no longer ours');
    assert.match(read(dir, 'deploy/scripts/deploy.sh'), /^readonly tool=helm$/m);
    assert.equal(parse(read(dir, '.yo-rc.json'))['generator-containerize'].delivery.deployTool, 'helm');
  });

  it('reports a conflicting edit, keeps it, and writes ours beside it until the team settles it', async () => {
    const dir = copy(false);
    const compose = read(dir, 'compose.yaml');
    writeFileSync(join(dir, 'compose.yaml'), compose.replace('- 127.0.0.1:3000:3000', '- 127.0.0.1:8080:3000'));
    const edited = read(dir, 'compose.yaml');
    process.exitCode = 0;
    const result = await runGenerator('app').cd(dir).withOptions(opts({ yes: true, set: ['web.port=3001'] })).withAnswers({}, strict);
    assert.deepEqual(conflictsOf(runLog(result.env)).map((a) => a.path), ['compose.yaml']);
    assert.equal(process.exitCode, 3, 'the exit status says conflicts are left');
    process.exitCode = 0;
    assert.match(logged(result), /Conflicts left \(1\)[\s\S]*compose\.yaml {2}← {2}compose\.yaml\.containerize-new/);
    assert.equal(read(dir, 'compose.yaml'), edited, 'theirs stays as it is');
    assert.match(read(dir, 'compose.yaml.containerize-new'), /127\.0\.0\.1:3001:3001/);
    assert.match(read(dir, 'web/Dockerfile'), /EXPOSE 3001/, 'the rest of the run applied');

    // A re-run while it is unsettled says so again; once the team deletes ours, theirs is settled.
    const again = await runGenerator('app').cd(dir).withOptions(opts({ yes: true })).withAnswers({}, strict);
    assert.equal(conflictsOf(runLog(again.env)).length, 1);
    rmSync(join(dir, 'compose.yaml.containerize-new'));
    process.exitCode = 0;
    const settled = await runGenerator('app').cd(dir).withOptions(opts({ yes: true })).withAnswers({}, strict);
    assert.deepEqual(conflictsOf(runLog(settled.env)), []);
    assert.equal(process.exitCode, 0);
    assert.equal(read(dir, 'compose.yaml'), edited);
    assert.ok(!existsSync(join(dir, 'compose.yaml.containerize-new')));
  });

  it('brings a template upgrade into every file nobody edited, merges it into edited ones, and keeps a conflicting one', async () => {
    const dir = copy(false);
    // As if the last run had used an older template that lacked one line of each file's header.
    const upgraded = { untouched: 'deploy/kubernetes/README.md', edited: 'compose.yaml', conflicting: '.env.example' };
    const current = Object.fromEntries(Object.entries(upgraded).map(([k, f]) => [k, read(dir, f)]));
    const older = (text: string) => text.split('\n').filter((_, i) => i !== 1).join('\n');
    const ledger = readLedger(dir);
    for (const f of Object.values(upgraded)) ledger.set(f, { ...ledger.get(f)!, render: older(read(dir, f)) });
    writeFileSync(join(dir, LEDGER_PATH), formatLedger(ledger));
    writeFileSync(join(dir, upgraded.untouched), older(current.untouched!));
    writeFileSync(join(dir, upgraded.edited), `${older(current.edited!)}# kept by the team\n`);
    const lines = older(current.conflicting!).split('\n');
    lines[1] = '# the team rewrote this line, right where the new template adds one'; // the line after the one the upgrade adds
    const conflicting = lines.join('\n');
    writeFileSync(join(dir, upgraded.conflicting), conflicting);
    assert.notEqual(sha256(older(current.edited!)), sha256(current.edited!));

    const result = await runGenerator('app').cd(dir).withOptions(opts({ yes: true })).withAnswers({}, strict);
    process.exitCode = 0;
    const status = Object.fromEntries(runLog(result.env).actions.filter((a) => a.status !== 'identical').map((a) => [a.path, a.status]));
    assert.deepEqual(status, { [upgraded.untouched]: 'update', [upgraded.edited]: 'merged', [upgraded.conflicting]: 'conflict' }, 'nothing else changes');
    assert.equal(read(dir, upgraded.untouched), current.untouched, 'the untouched file is the new render');
    assert.equal(read(dir, upgraded.edited), `${current.edited}# kept by the team\n`, 'the edited one has the new line and the edit');
    assert.equal(read(dir, upgraded.conflicting), conflicting, 'the conflicting one is as the team left it');
    assert.equal(read(dir, `${upgraded.conflicting}.containerize-new`), current.conflicting);
  });

  it('--dry-run prints a unified diff per file and changes no byte', async () => {
    const dir = copy();
    writeTree(dir, ADMIN);
    const before = snapshotTree(dir);
    const result = await runGenerator('service').cd(dir).withArguments(['admin']).withOptions(opts({ yes: true, dryRun: true })).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), before);
    const out = logged(result);
    assert.match(out, /^--- a\/compose\.yaml\n\+\+\+ b\/compose\.yaml\n@@ [^\n]+ @@/m);
    assert.match(out, /^\+ {2}admin:$/m);
    assert.match(out, /^--- \/dev\/null\n\+\+\+ b\/admin\/Dockerfile$/m);
    assert.match(out, /^--- a\/\.yo-rc\.json$/m, 'the model change is shown too');
    assert.match(out, /^Dry run \(nothing was written\): /m);
    assert.doesNotMatch(out, /^ {4}team: ui$/m, 'context lines only, not whole files');
  });

  it('honours .yo-resolve: a skipped path is left alone, in a dry run too', async () => {
    const dir = copy(false);
    writeTree(dir, { ...ADMIN, '.yo-resolve': 'compose.yaml skip\n' });
    const compose = read(dir, 'compose.yaml');
    const dry = await runGenerator('service').cd(dir).withArguments(['admin']).withOptions(opts({ yes: true, dryRun: true })).withAnswers({}, strict);
    assert.doesNotMatch(logged(dry), /b\/compose\.yaml/);
    const result = await runGenerator('service').cd(dir).withArguments(['admin']).withOptions(opts({ yes: true })).withAnswers({}, strict);
    assert.equal(read(dir, 'compose.yaml'), compose);
    assert.ok(parse(read(dir, 'compose.override.yaml')).services.admin, 'the other files are written');
    assert.match(logged(result), /skipped compose\.yaml {2}\(\.yo-resolve says skip\)/);
  });

  describe('in a terminal', () => {
    let tty: boolean | undefined;
    beforeEach(() => {
      tty = process.stdin.isTTY;
      process.stdin.isTTY = true;
    });
    afterEach(() => {
      process.stdin.isTTY = tty as boolean;
    });

    it('shows each merge as a diff of the changed lines and asks; "keep" keeps the file and is not asked again', async () => {
      const dir = copy(false);
      writeFileSync(join(dir, 'compose.yaml'), `${read(dir, 'compose.yaml')}# the team's note\n`);
      const edited = read(dir, 'compose.yaml');
      const asked: { name: string; message: string }[] = [];
      const result = await runGenerator('app')
        .cd(dir)
        .withOptions(opts({ set: ['web.port=3001'] }))
        .withAnswers({ 'file:compose_yaml': 'keep' }, { ...strict, callback: (a, { question }) => (asked.push({ name: String(question.name), message: String(question.message) }), a) });
      assert.deepEqual(asked.map((q) => q.name), ['file:compose_yaml'], 'asked about the merged file only');
      const out = logged(result);
      const diff = out.slice(out.indexOf('--- a/compose.yaml'));
      assert.match(diff, /^-      PORT: "3000"$/m);
      assert.match(diff, /^\+      PORT: "3001"$/m);
      assert.ok(diff.split('\n').length < edited.split('\n').length / 2, 'hunks, not the whole file');
      assert.equal(read(dir, 'compose.yaml'), edited, 'kept as it was');
      const again: string[] = [];
      await runGenerator('app').cd(dir).withAnswers({}, { ...strict, callback: (a, { question }) => (again.push(String(question.name)), a) });
      assert.deepEqual(again, [], 'not asked again');
    });

    it('offers to take ours over a conflicting edit, and does so when told', async () => {
      const dir = copy(false);
      writeFileSync(join(dir, 'compose.yaml'), read(dir, 'compose.yaml').replace('- 127.0.0.1:3000:3000', '- 127.0.0.1:8080:3000'));
      const choices: string[] = [];
      await runGenerator('app')
        .cd(dir)
        .withOptions(opts({ set: ['web.port=3001'] }))
        .withAnswers({ 'file:compose_yaml': 'overwrite' }, { ...strict, callback: (a, { question }) => (choices.push(...((question as { choices?: { value: string }[] }).choices ?? []).map((c) => c.value)), a) });
      assert.deepEqual(choices, ['apply', 'overwrite'], 'keep yours (ours beside it), or take ours');
      assert.match(read(dir, 'compose.yaml'), /- 127\.0\.0\.1:3001:3001/);
      assert.ok(!existsSync(join(dir, 'compose.yaml.containerize-new')));
      process.exitCode = 0;
    });
  });
});
