/** Three-way merges of a generated file the user edited: by lines (node-diff3), then, for YAML, by structure. */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { mergeLines, mergeThreeWay, mergeYaml } from '../../lib/write/merge.js';

const COMPOSE = ['services:', '  web:', '    image: web:1', '    ports:', '      - 3000:3000', '  api:', '    image: api:1', ''].join('\n');

describe('three-way merge', () => {
  it('keeps an edit and a new render that change different lines', () => {
    const theirs = COMPOSE.replace('image: api:1', 'image: api:1\n    # pinned by the team');
    const ours = COMPOSE.replace('image: web:1', 'image: web:2');
    const merge = mergeLines(COMPOSE, theirs, ours);
    assert.ok(merge.clean);
    assert.equal(merge.text, theirs.replace('image: web:1', 'image: web:2'));
  });

  it('is clean when both sides made the same change', () => {
    const both = COMPOSE.replace('web:1', 'web:2');
    assert.deepEqual(mergeLines(COMPOSE, both, both), { clean: true, text: both, how: 'text' });
  });

  it('conflicts when both sides change the same line differently, in any file', () => {
    const merge = mergeThreeWay('Makefile', 'a\nb\nc\n', 'a\nB1\nc\n', 'a\nB2\nc\n');
    assert.deepEqual(merge, { clean: false, conflicts: 1 });
  });

  it('merges YAML by structure where lines touch: a key the user added next to a service this render adds', () => {
    // The user adds labels at the end of api; the new render adds a service right after api.
    const theirs = `${COMPOSE}    labels:\n      team: backend\n`;
    const ours = `${COMPOSE}  worker:\n    image: worker:1\n`;
    assert.equal(mergeLines(COMPOSE, theirs, ours).clean, false, 'adjacent inserts conflict line by line');
    const merge = mergeThreeWay('compose.yaml', COMPOSE, theirs, ours);
    assert.ok(merge.clean && merge.how === 'yaml');
    assert.deepEqual(parse(merge.text), {
      services: { web: { image: 'web:1', ports: ['3000:3000'] }, api: { image: 'api:1', labels: { team: 'backend' } }, worker: { image: 'worker:1' } },
    });
  });

  it('keeps the user\'s comments and layout in a structural merge', () => {
    const base = 'a: 1\nb: 2\n';
    const theirs = '# the team\'s note\na: 1 # why\nb: 2\nc: 3\n';
    const ours = 'a: 1\nb: 5\nd: 4\n';
    const text = mergeYaml(base, theirs, ours);
    assert.equal(text, "# the team's note\na: 1 # why\nb: 5\nd: 4\nc: 3\n");
  });

  it('still conflicts when both sides set the same YAML value differently', () => {
    assert.equal(mergeYaml('a: 1\n', 'a: 2\n', 'a: 3\n'), null);
    assert.deepEqual(mergeThreeWay('values.yaml', 'a: 1\n', 'a: 2\n', 'a: 3\n'), { clean: false, conflicts: 1 });
  });

  it('drops a key this render no longer has, unless the user changed it', () => {
    assert.equal(mergeYaml('a: 1\nb: 2\nc: 3\n', 'a: 1\nb: 2\nc: 3\nx: 9\n', 'a: 1\nc: 3\n'), 'a: 1\nc: 3\nx: 9\n');
    assert.equal(mergeYaml('a: 1\nb: 2\n', 'a: 1\nb: 7\n', 'a: 1\n'), null);
  });

  it('merges multi-document YAML document by document, and gives up on Helm templates', () => {
    const base = 'kind: A\n---\nkind: B\nx: 1\n';
    assert.equal(mergeYaml(base, 'kind: A\nmine: 1\n---\nkind: B\nx: 1\n', 'kind: A\n---\nkind: B\nx: 2\n'), 'kind: A\nmine: 1\n---\nkind: B\nx: 2\n');
    assert.equal(mergeYaml('a: {{ .Values.a }}\n', 'a: {{ .Values.b }}\n', 'a: {{ .Values.c }}\n'), null);
  });
});
