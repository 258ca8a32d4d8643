import assert from 'node:assert/strict';
import { formatSummary, type RunLog } from '../../lib/write/writer.js';

const log = (entries: RunLog['entries'], stages = [...new Set(entries.map((e) => e.stage))]): RunLog => ({ stages, leftOut: [], entries, models: [] });

describe('run summary', () => {
  it('lists what each stage created or changed, counts unchanged files, and says what to do next', () => {
    const text = formatSummary(
      log(
        [
          { stage: 'compose', path: 'compose.yaml', status: 'update' },
          { stage: 'compose', path: '.env.example', status: 'identical' },
          { stage: 'dev', path: 'Makefile', status: 'create' },
        ],
        ['compose', 'dev', 'ci'],
      ),
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

  it('says "no change" in one line per stage on a re-run, with no next steps', () => {
    const text = formatSummary(log([{ stage: 'helm', path: 'deploy/helm/x/Chart.yaml', status: 'identical' }]), (p) => p);
    assert.equal(text, 'Summary: 1 file, 0 new, 0 changed, 1 unchanged.\n  helm        no change');
  });
});

describe('settling statuses after the commit', () => {
  it('reports a file the user declined to overwrite as kept', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { settleStatuses } = await import('../../lib/write/writer.js');
    const root = mkdtempSync(join(tmpdir(), 'settle-'));
    writeFileSync(join(root, 'compose.yaml'), 'theirs\n');
    writeFileSync(join(root, 'Makefile'), 'ours\n');
    const l = log([
      { stage: 'compose', path: 'compose.yaml', status: 'update', content: 'ours\n' },
      { stage: 'dev', path: 'Makefile', status: 'update', content: 'ours\n' },
    ]);
    settleStatuses(l, root);
    assert.deepEqual(l.entries.map((e) => e.status), ['kept', 'update']);
    assert.match(formatSummary(l, (p) => p), /1 kept as you had them[\s\S]*kept {4}compose\.yaml {2}\(yours/);
  });
});
