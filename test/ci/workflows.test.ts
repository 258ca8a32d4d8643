/**
 * The CI/CD workflows, for a matrix of models: both validators (actionlint 1.7.x and
 * GitHub's own parser), then what they mean: least-privilege permissions per job, a
 * concurrency group per job, every action pinned to a 40-character SHA from the pin
 * file, digests passed from build to deploy, previews torn down, no credential inside.
 */
import assert from 'node:assert/strict';
import { runLint } from '../helpers/actionlint.js';
import { parse } from 'yaml';
import { files as cdFiles } from '../../generators/cd/files.js';
import { files as ciFiles } from '../../generators/ci/files.js';
import { delivery } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { actionPins } from '../../lib/render/actions.js';
import { WORKFLOW_CASES } from '../helpers/workflow-models.js';
import { workflowParserErrors } from '../helpers/workflow-parser.js';

type Obj = Record<string, any>;
const workflows = (model: StackModel) => [...ciFiles(model), ...cdFiles(model)].filter((f) => f.path.startsWith('.github/workflows/'));
const byPath = (model: StackModel) => Object.fromEntries(workflows(model).map((f) => [f.path, { text: f.content, doc: parse(f.content) as Obj }]));

/** The least each job needs (GHCR's GITHUB_TOKEN needs packages to push or read images). */
function expectedPermissions(model: StackModel): Record<string, Record<string, Obj>> {
  const ghcr = delivery(model).registryKind === 'ghcr';
  const pkg = (level: string) => (ghcr ? { packages: level } : {});
  return {
    '.github/workflows/ci.yml': {
      changes: { contents: 'read' },
      lint: { contents: 'read' },
      build: { contents: 'read', ...pkg('write') },
      tag: { contents: 'read', ...pkg('write') },
      smoke: { contents: 'read' },
    },
    '.github/workflows/cd.yml': {
      staging: { contents: 'read', actions: 'read', ...pkg('read') },
      production: { contents: 'read', ...pkg('write') },
    },
    ...(delivery(model).previews
      ? { '.github/workflows/preview.yml': { deploy: { contents: 'read', actions: 'read', ...pkg('read') }, teardown: { contents: 'read' } } }
      : {}),
  };
}

describe('CI/CD workflows', () => {
  it('the pin file pins every action to a 40-character SHA with its version', () => {
    const pins = [...actionPins().values()];
    assert.ok(pins.length >= 9);
    for (const p of pins) {
      assert.match(p.sha, /^[0-9a-f]{40}$/);
      assert.match(p.version, /^v\d+\.\d+\.\d+$/);
    }
  });

  it('both validators can fail (a broken workflow is reported by each)', async () => {
    const bad = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n      - uses: actions/checkout@v4\n        with: { fetch-deph: 1 }\n    timeout-minutes: [1]\n';
    assert.ok((await runLint(bad, 'bad.yml')).length > 0);
    assert.ok(workflowParserErrors('bad.yml', bad).length > 0);
  });

  for (const { name, model } of WORKFLOW_CASES) {
    describe(name, () => {
      const files = workflows(model);

      it('writes ci.yml and cd.yml, and preview.yml only with previews', () => {
        const expected = ['.github/workflows/cd.yml', '.github/workflows/ci.yml', ...(delivery(model).previews ? ['.github/workflows/preview.yml'] : [])];
        assert.deepEqual(files.map((f) => f.path).sort(), expected);
      });

      for (const f of files) {
        it(`${f.path} passes actionlint`, async () => {
          const problems = await runLint(f.content, f.path);
          assert.deepEqual(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`), []);
        });
        it(`${f.path} passes GitHub's workflow parser`, () => {
          assert.deepEqual(workflowParserErrors(f.path, f.content), []);
        });
      }

      it('every job has the least permissions it needs, and the workflow none by default', () => {
        const docs = byPath(model);
        for (const [path, jobs] of Object.entries(expectedPermissions(model))) {
          assert.deepEqual(docs[path]!.doc.permissions, {}, `${path}: workflow-level permissions`);
          const actual = Object.fromEntries(Object.entries(docs[path]!.doc.jobs as Obj).map(([job, j]) => [job, j.permissions]));
          assert.deepEqual(actual, jobs, path);
        }
      });

      it('every job has a concurrency group; deploys never cancel a running one', () => {
        for (const [path, { doc }] of Object.entries(byPath(model))) {
          for (const [job, j] of Object.entries(doc.jobs as Obj)) {
            assert.ok(j.concurrency?.group, `${path} ${job}: no concurrency group`);
            if (path.endsWith('cd.yml')) assert.equal(j.concurrency['cancel-in-progress'], false, `${path} ${job}`);
          }
        }
      });

      it('every uses: is a 40-character SHA from the pin file, with its version as a comment', () => {
        const pins = actionPins();
        for (const f of files) {
          const lines = f.content.split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l));
          assert.ok(lines.length > 0);
          for (const line of lines) {
            const m = /uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\S+)$/.exec(line);
            assert.ok(m, `${f.path}: not pinned to a SHA with a version comment: ${line.trim()}`);
            assert.equal(pins.get(m[1]!)?.sha, m[2], `${f.path}: ${m[1]} is not the SHA of the pin file`);
            assert.equal(pins.get(m[1]!)?.version, m[3]);
          }
        }
      });

      it('no secret value or credential: secrets and variables only as ${{ }} references, never echoed', () => {
        for (const f of files) {
          assert.doesNotMatch(f.content, /ghp_|gho_|github_pat_|AKIA[0-9A-Z]{16}|-----BEGIN|xox[bp]-/, f.path);
          for (const line of f.content.split('\n')) {
            if (/^\s*#/.test(line)) continue;
            // A secret is only ever read into env: or a with: input, as a whole expression.
            if (/secrets\./.test(line)) assert.match(line, /^\s+[\w-]+: \$\{\{ secrets\.[A-Z_]+ \}\}$/, `${f.path}: ${line.trim()}`);
            if (/password:/.test(line)) assert.match(line, /password: \$\{\{ secrets\.[A-Z_]+ \}\}$/, `${f.path}: ${line.trim()}`);
          }
          // And never echoed: a run: script reads them from env and tests for emptiness only.
          const doc = parse(f.content) as Obj;
          for (const job of Object.values(doc.jobs as Obj))
            for (const step of job.steps as Obj[]) if (step.run) assert.doesNotMatch(step.run, /\$\{\{\s*secrets\./, `${f.path}: a secret expanded into a script`);
        }
      });

      it('the build pushes only from the default branch and this repository\'s pull requests, with cache, SBOM and provenance', () => {
        const ci = byPath(model)['.github/workflows/ci.yml']!.doc;
        assert.match(ci.env.PUSH, /github\.ref == 'refs\/heads\/main'/);
        assert.match(ci.env.PUSH, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        const build = (ci.jobs.build.steps as Obj[]).find((s) => s.id === 'build')!;
        assert.equal(build.with.push, "${{ env.PUSH == 'true' }}");
        assert.equal(build.with.sbom, true);
        assert.equal(build.with.provenance, 'mode=max');
        assert.match(build.with['cache-from'], /^type=gha/);
        assert.match(build.with['cache-to'], /^type=gha,mode=max/);
        assert.equal(ci.jobs.build.strategy.matrix, '${{ fromJSON(needs.changes.outputs.matrix) }}');
        assert.deepEqual(Object.keys(ci.on).sort(), ['pull_request', 'push', 'schedule', 'workflow_dispatch']);
      });

      it('every deploy uses the digest its build produced', () => {
        const docs = byPath(model);
        const build = docs['.github/workflows/ci.yml']!.doc.jobs.build.steps as Obj[];
        const record = build.find((s) => s.name === 'Record the digest')!;
        assert.equal(record.env.DIGEST, '${{ steps.build.outputs.digest }}');
        assert.equal(record.run, 'mkdir -p digests && echo "$IMAGE@$DIGEST" > "digests/$SERVICE"');
        const upload = build.find((s) => /upload-artifact/.test(s.uses) && /^digest-/.test(s.with.name))!;
        assert.equal(upload.with.name, 'digest-${{ matrix.service }}');
        const deploys: [string, string][] = [['.github/workflows/cd.yml', 'staging'], ...(delivery(model).previews ? [['.github/workflows/preview.yml', 'deploy'] as [string, string]] : [])];
        for (const [path, job] of deploys) {
          const steps = docs[path]!.doc.jobs[job].steps as Obj[];
          const download = steps.find((s) => /download-artifact/.test(s.uses))!;
          assert.equal(download.with.pattern, 'digest-*');
          assert.equal(download.with['run-id'], '${{ github.event.workflow_run.id }}', `${path}: the digests of the CI run that triggered it`);
          const checkout = steps.find((s) => /checkout/.test(s.uses))!;
          assert.match(checkout.with.ref, /github\.event\.workflow_run\.head_sha/, `${path}: the commit CI built`);
          assert.ok(steps.some((s) => /ci\/deploy\.sh \w+ .*--digests digests/.test(s.run ?? '')), `${path}: deploy.sh --digests`);
        }
        const production = docs['.github/workflows/cd.yml']!.doc.jobs.production;
        if (model.clusters) {
          // Several clusters: one deploy per cluster, each its own GitHub environment.
          assert.deepEqual(production.strategy.matrix.cluster, Object.keys(model.clusters).sort().map((c) => `production-${c}`));
          assert.deepEqual(production.environment, { name: '${{ matrix.cluster }}' });
          assert.ok((production.steps as Obj[]).some((s) => s.env?.CLUSTER === '${{ matrix.cluster }}' && /deploy\.sh "\$CLUSTER" --tag "sha-/.test(s.run ?? '')), 'production: each cluster, the digests of the release commit');
        } else {
          assert.deepEqual(production.environment, { name: 'production' });
          assert.ok((production.steps as Obj[]).some((s) => /deploy\.sh production --tag "sha-/.test(s.run ?? '')), 'production: the digests of the release commit');
        }
      });

      it('cluster credentials come from the environment, checked first with the message that says what to set', () => {
        for (const [path, { doc }] of Object.entries(byPath(model))) {
          if (path.endsWith('ci.yml')) continue;
          for (const [job, j] of Object.entries(doc.jobs as Obj)) {
            assert.ok(j.environment?.name, `${path} ${job}: no environment`);
            const first = (j.steps as Obj[])[0]!;
            assert.equal(first.name, "Check the environment's settings");
            assert.equal(first.env.KUBE_CONFIG, '${{ secrets.KUBE_CONFIG }}');
            // A matrix over clusters names its environment from the job's CLUSTER variable.
            const name = j.environment.name === '${{ matrix.cluster }}' ? '\\$CLUSTER' : j.environment.name;
            if (name === '\\$CLUSTER') assert.equal(first.env.CLUSTER, '${{ matrix.cluster }}');
            assert.match(first.run, new RegExp(`Set the secret KUBE_CONFIG in the GitHub environment ${name}`));
          }
        }
      });

      if (delivery(model).previews)
        it('previews are torn down when the pull request closes', () => {
          const preview = byPath(model)['.github/workflows/preview.yml']!.doc;
          assert.deepEqual(preview.on.pull_request, { types: ['closed'] });
          const teardown = preview.jobs.teardown;
          assert.match(teardown.if, /github\.event\.action == 'closed'/);
          assert.ok((teardown.steps as Obj[]).some((s) => s.run === 'bash ci/deploy.sh preview --pr "$PR" --teardown'));
        });
    });
  }
});
