import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { detectStack } from '../../../lib/detect/stack.js';
import { elixirDetector, mixDeps } from '../../../lib/languages/elixir/detect.js';
import { defaultLanguageVersion } from '../../../lib/catalog/images.js';
import { writeTree } from '../../helpers/tree.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'languages');
const fixture = (name: string) => openRepo(join(FIXTURES, name));
const tempDir = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'elixir-'));
  writeTree(root, files);
  return root;
};
const temp = (files: Record<string, string>) => openRepo(tempDir(files));
const MIX = (body: string) => `defmodule A.MixProject do\n  use Mix.Project\n  def project do\n    [${body}]\n  end\nend\n`;

describe('elixirDetector', () => {
  it('matches a folder with mix.exs only', () => {
    assert.equal(elixirDetector.matches(fixture('elixir-mix-gentcp'), '.'), true);
    assert.equal(elixirDetector.matches(temp({ 'lib/a.ex': 'defmodule A do\nend\n' }), '.'), false);
  });

  it('reads a plain Mix project serving HTTP with :gen_tcp (no Hex dependency)', () => {
    const f = elixirDetector.detect(fixture('elixir-mix-gentcp'), '.');
    assert.equal(f.language, 'elixir');
    // .tool-versions wins over mix.exs's `elixir: "~> 1.14"`.
    assert.deepEqual(f.languageVersion, { value: '1.14', source: '.tool-versions:2' });
    assert.deepEqual(f.packageManager, { value: 'mix', source: 'mix.exs' });
    assert.deepEqual(f.lockfile, { value: null, source: 'default' });
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.entry, { value: 'hello', source: 'mix.exs:6' });
    assert.deepEqual(f.build, { value: 'mix release', source: 'mix.exs:6' });
    assert.deepEqual(f.start, { value: ['bin/hello', 'start'], source: 'mix.exs:6' });
    assert.deepEqual(f.port, { value: 4000, source: 'config/runtime.exs:4' });
    assert.deepEqual(f.dependencies, []);
    assert.equal(f.worker, undefined);
    assert.equal(f.library, undefined);
    assert.deepEqual(f.sourceFiles.sort(), ['config/runtime.exs', 'lib/hello/application.ex', 'lib/hello/server.ex', 'mix.exs']);
  });

  it('reads a Phoenix app: framework, lockfile, the assets build, the default port 4000', () => {
    const f = elixirDetector.detect(fixture('elixir-phoenix'), '.');
    assert.deepEqual(f.languageVersion, { value: '1.15', source: 'mix.exs:8' });
    assert.deepEqual(f.framework, { value: 'phoenix', source: 'mix.exs:20' });
    assert.deepEqual(f.lockfile, { value: 'mix.lock', source: 'mix.lock' });
    assert.deepEqual(f.build, { value: 'mix assets.deploy && mix release', source: 'assets' });
    assert.deepEqual(f.port, { value: 4000, source: 'mix.exs:20' });
    assert.deepEqual(f.dependencies, ['phoenix', 'phoenix_ecto', 'ecto_sql', 'postgrex', 'bandit']);
  });

  it('takes the version from mix.exs, else the pin', () => {
    assert.deepEqual(elixirDetector.detect(temp({ 'mix.exs': MIX('app: :a, elixir: ">= 1.16.1"'), 'lib/a.ex': ':gen_tcp.listen(4001, [])\n' }), '.').languageVersion, { value: '1.16', source: 'mix.exs:4' });
    assert.deepEqual(elixirDetector.detect(temp({ 'mix.exs': MIX('app: :a'), 'lib/a.ex': ':gen_tcp.listen(4001, [])\n' }), '.').languageVersion, { value: defaultLanguageVersion('elixir'), source: 'default' });
  });

  it('reads the port from `System.get_env("PORT") || "4001"` and `port: 4002`', () => {
    const lib = (code: string) => elixirDetector.detect(temp({ 'mix.exs': MIX('app: :a, deps: [{:plug_cowboy, "~> 2.7"}]'), 'lib/a.ex': code }), '.');
    assert.deepEqual(lib('port = String.to_integer(System.get_env("PORT") || "4001")\n').port, { value: 4001, source: 'lib/a.ex:1' });
    assert.deepEqual(lib('Plug.Cowboy.child_spec(scheme: :http, plug: A, options: [port: 4002])\n').port, { value: 4002, source: 'lib/a.ex:1' });
    assert.deepEqual(lib('Plug.Cowboy.child_spec(scheme: :http, plug: A)\n').framework, { value: 'plug', source: 'mix.exs:4' });
  });

  it('is a worker without a server dependency or a listening call, and a library without an application', () => {
    const worker = elixirDetector.detect(temp({ 'mix.exs': MIX('app: :jobs') + 'def application, do: [mod: {Jobs.App, []}]\n', 'lib/jobs.ex': 'defmodule Jobs do\nend\n' }), '.');
    assert.equal(worker.worker, true);
    assert.deepEqual(worker.port, { value: null, source: 'mix.exs:4' });
    assert.equal(elixirDetector.detect(temp({ 'mix.exs': MIX('app: :util'), 'lib/util.ex': 'defmodule Util do\nend\n' }), '.').library, true);
    assert.equal(elixirDetector.detect(temp({ 'mix.exs': MIX('apps_path: "apps"') }), '.').library, true);
  });

  it('lists dependency atoms, not the elixir requirement', () => {
    assert.deepEqual(mixDeps('deps: [{:jason, "~> 1.4"}, { :redix, ">= 0.0.0" }], elixir: "~> 1.15"'), ['jason', 'redix']);
  });

  it('detectStack: one Elixir service with its env, port and health route from the code scanners', () => {
    const d = detectStack(join(FIXTURES, 'elixir-mix-gentcp'));
    const svc = Object.values(d.services)[0]!;
    assert.equal(Object.keys(d.services).length, 1);
    assert.equal(svc.language, 'elixir');
    assert.equal(svc.port, 4000);
    assert.equal(svc.healthPath, '/healthz');
    assert.deepEqual(svc.env, { GREETING: { value: 'hello', secret: false } });
    const phoenix = detectStack(join(FIXTURES, 'elixir-phoenix'));
    const shop = Object.values(phoenix.services)[0]!;
    assert.deepEqual(Object.keys(phoenix.services), ['elixir-phoenix'], 'assets/ is part of the Phoenix app');
    assert.equal(shop.env.SECRET_KEY_BASE?.secret, true);
    assert.ok('DATABASE_URL' in shop.env);
  });
});
