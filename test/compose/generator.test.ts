/**
 * The compose and dev stages run on their own (`yo containerize:compose --yes`,
 * `yo containerize:dev --yes`) on a detected two-service app: they write their
 * files through Yeoman, the result validates, and a re-run changes no byte.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateCompose } from '../../lib/validate/compose.js';
import type { OutputFile } from '../../lib/render/types.js';
import { runGenerator } from '../helpers/run.js';
import { TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';

const strict = { throwOnMissingAnswer: true } as const;
/** Our CLI options, which yeoman-test's option type does not know. */
const options = (o: Record<string, unknown>) => o as any;

describe('compose and dev stages run alone', () => {
  let tree: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'containerize-compose-'));
  before(async () => {
    writeTree(dir, TWO_SERVICES);
    await runGenerator('compose').cd(dir).withOptions(options({ yes: true, name: 'shop', registry: 'ghcr.io/acme', set: ['web.public=true'] })).withAnswers({}, strict);
    await runGenerator('dev').cd(dir).withOptions(options({ yes: true })).withAnswers({}, strict);
    tree = snapshotTree(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the compose files and the dev files', () => {
    for (const f of ['compose.yaml', '.env.example', 'secrets/README.md', 'secrets/create.sh', 'secrets/.gitignore', 'compose.override.yaml', 'Makefile', '.devcontainer/devcontainer.json'])
      assert.ok(f in tree, f);
  });

  it('writes files that validate, alone and merged', () => {
    const files: OutputFile[] = Object.entries(tree).map(([path, content]) => ({ path, content }));
    assert.deepEqual(validateCompose(tree['compose.yaml']!, { files }), []);
    assert.deepEqual(validateCompose([tree['compose.yaml']!, tree['compose.override.yaml']!], { files }), []);
  });

  it('publishes the public web service only, and names the services as detected', () => {
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    assert.match(compose, /^name: shop$/m);
    assert.match(compose, /^ {2}web:$/m);
    assert.match(compose, /^ {2}api:$/m);
    assert.match(compose, /^ {2}redis:$/m);
    const services = parse(compose).services;
    assert.deepEqual(services.web.ports, ['127.0.0.1:3000:3000']);
    assert.equal(services.api.ports, undefined);
    assert.equal(services.redis.ports, undefined);
  });

  it('changes no byte on a re-run of either stage', async () => {
    await runGenerator('compose').cd(dir).withOptions(options({ yes: true })).withAnswers({}, strict);
    await runGenerator('dev').cd(dir).withOptions(options({ yes: true })).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), tree);
  });
});
