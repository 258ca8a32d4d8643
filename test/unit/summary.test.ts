import assert from 'node:assert/strict';
import { formatSummary, unifiedDiff, type RunLog } from '../../lib/write/writer.js';
import type { Action } from '../../lib/write/plan.js';

const act = (stage: string, path: string, status: Action['status'], extra: Partial<Action> = {}): Action => ({ stage, path, status, writes: [], ledger: [], ...extra });
const log = (actions: Action[], stages = [...new Set(actions.map((a) => a.stage))]): RunLog => ({ stages, leftOut: [], entries: [], models: [], actions });

describe('run summary', () => {
  it('lists what each stage created or changed, counts unchanged files, and says what to do next', () => {
    const text = formatSummary(
      log([act('compose', 'compose.yaml', 'update'), act('compose', '.env.example', 'identical'), act('dev', 'Makefile', 'create')], ['compose', 'dev', 'ci']),
      (p) => p,
    );
    assert.equal(
      text,
      [
        'Summary: 3 files, 1 new, 1 changed, 1 unchanged.',
        '  compose     0 new, 1 changed, 1 unchanged',
        '      changed compose.yaml',
        '  dev         1 new, 0 changed',
        '      new     Makefile',
        '  ci          not generated yet for this model',
        'Next:',
        '  make up              start the whole app in containers with hot reload (make help: every target)',
      ].join('\n'),
    );
  });

  it('points at make doctor and the onboarding guide when the docs and dev stages wrote them', () => {
    const text = formatSummary(
      log([
        { stage: 'dev', path: 'Makefile', status: 'create' },
        { stage: 'docs', path: 'docs/containerize/onboarding.md', status: 'create' },
      ]),
      (p) => p,
    );
    assert.match(text, /Next:\n {2}make doctor {10}check this machine has what the stack needs \(docs\/containerize\/onboarding\.md: the whole onboarding\)\n {2}make up /);
  });

  it('says "no change" in one line per stage on a re-run, with no next steps', () => {
    const text = formatSummary(log([act('helm', 'deploy/helm/x/Chart.yaml', 'identical')]), (p) => p);
    assert.equal(text, 'Summary: 1 file, 0 new, 0 changed, 1 unchanged.\n  helm        no change');
  });

  it('tells merges, conflicts, removals and files placed beside the user\'s apart, and lists what is left to do', () => {
    const text = formatSummary(
      log([
        act('compose', 'compose.yaml', 'merged', { note: 'your edits kept' }),
        act('dev', 'containerize.mk', 'create', { beside: { of: 'Makefile', use: '`make -f containerize.mk up`' } }),
        act('helm', 'deploy/helm/x/values.yaml', 'conflict', { note: 'yours kept' }),
        act('dockerfile', 'jobs/Dockerfile', 'remove'),
        act('dockerfile', 'old/Dockerfile', 'orphan', { note: 'no longer generated, but you edited it: kept (it is yours now)' }),
      ]),
      (p) => p,
    );
    assert.match(text, /^Summary: 3 files, 1 new, 0 changed, 0 unchanged, 1 merged, 1 kept, 1 removed, 1 conflict\./);
    assert.match(text, /merged {2}compose\.yaml {2}\(your edits kept\)/);
    assert.match(text, /removed jobs\/Dockerfile/);
    assert.match(text, /kept {4}old\/Dockerfile {2}\(no longer generated, but you edited it/);
    assert.match(text, /Yours, kept as they are \(ours beside them\):\n {2}Makefile → ours: containerize\.mk\n {6}`make -f containerize\.mk up`/);
    assert.match(text, /Conflicts left \(1\)[^\n]*\n {2}deploy\/helm\/x\/values\.yaml {2}← {2}deploy\/helm\/x\/values\.yaml\.containerize-new/);
  });
});

describe('unified diffs', () => {
  it('shows the changed lines with three lines of context, not the whole file', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 10\n', 'line ten\n');
    const diff = unifiedDiff('a.txt', before, after);
    assert.equal(diff.split('\n').slice(0, 3).join('\n'), '--- a/a.txt\n+++ b/a.txt\n@@ -7,7 +7,7 @@');
    assert.match(diff, /^-line 10$/m);
    assert.match(diff, /^\+line ten$/m);
    assert.doesNotMatch(diff, /line 1$|line 20/m);
  });

  it('diffs a new file from /dev/null and a removed one to /dev/null', () => {
    assert.match(unifiedDiff('n.txt', undefined, 'x\n'), /^--- \/dev\/null\n\+\+\+ b\/n\.txt/);
    assert.match(unifiedDiff('o.txt', 'x\n', null), /^--- a\/o\.txt\n\+\+\+ \/dev\/null/);
  });
});
