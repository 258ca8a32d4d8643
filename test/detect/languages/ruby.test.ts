import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { rubyDetector } from '../../../lib/languages/ruby/detect.js';
import { writeTree } from '../../helpers/tree.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'languages');
const fixture = (name: string) => openRepo(join(FIXTURES, name));
const temp = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'ruby-'));
  writeTree(root, files);
  return openRepo(root);
};

describe('rubyDetector', () => {
  it('matches folders with a Gemfile', () => {
    assert.equal(rubyDetector.matches(fixture('ruby-rails-puma'), '.'), true);
    assert.equal(rubyDetector.matches(fixture('ruby-rails-puma'), 'app'), false);
  });

  it('reads a Rails app served by puma with assets', () => {
    const f = rubyDetector.detect(fixture('ruby-rails-puma'), '.');
    assert.equal(f.language, 'ruby');
    // The Gemfile's exact pin wins (Bundler enforces it), patch level kept.
    assert.deepEqual(f.languageVersion, { value: '3.3.4', source: 'Gemfile:3' });
    assert.deepEqual(f.framework, { value: 'rails', source: 'config/application.rb:3' });
    assert.deepEqual(f.packageManager, { value: 'bundler', source: 'Gemfile' });
    assert.deepEqual(f.lockfile, { value: 'Gemfile.lock', source: 'Gemfile.lock' });
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'puma', '-C', 'config/puma.rb'], source: 'config/puma.rb' });
    assert.deepEqual(f.port, { value: 3000, source: 'config/puma.rb:7' });
    assert.deepEqual(f.build, { value: 'SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile', source: 'Gemfile:7' });
    assert.deepEqual(f.entry, { value: 'config.ru', source: 'config.ru' });
    assert.equal(f.worker, undefined);
    assert.equal(f.library, undefined);
    // development/test gems (block and inline groups) are left out.
    assert.deepEqual(f.dependencies, ['rails', 'propshaft', 'pg', 'puma', 'importmap-rails', 'redis', 'sidekiq', 'bootsnap']);
    // No specs, migrations or bin/ scripts.
    assert.deepEqual(f.sourceFiles, [
      'app/controllers/application_controller.rb',
      'app/models/post.rb',
      'config/application.rb',
      'config/database.yml',
      'config/environment.rb',
      'config/puma.rb',
      'config.ru',
      'Gemfile',
    ]);
  });

  it('reads a modular Sinatra app with config.ru', () => {
    const f = rubyDetector.detect(fixture('ruby-sinatra-rack'), '.');
    assert.deepEqual(f.languageVersion, { value: '3.2.2', source: '.tool-versions:2' });
    assert.deepEqual(f.framework, { value: 'sinatra', source: 'Gemfile:5' });
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'rackup', '--host', '0.0.0.0', '-p', '9292'], source: 'config.ru' });
    assert.deepEqual(f.port, { value: 9292, source: 'default' });
    assert.deepEqual(f.entry, { value: 'config.ru', source: 'config.ru' });
    assert.deepEqual(f.build, { value: null, source: 'default' });
    assert.deepEqual(f.dependencies, ['sinatra', 'sinatra-contrib', 'rackup', 'puma', 'redis']);
    assert.deepEqual(f.sourceFiles, ['app.rb', 'config.ru', 'Gemfile', '.env.sample']);
  });

  it('lets a Procfile web line win and fills its $PORT', () => {
    const repo = temp({
      Gemfile: "source 'https://rubygems.org'\ngem 'rails'\ngem 'puma'\n",
      'config/application.rb': 'require "rails"\n',
      'config.ru': 'run Rails.application\n',
      Procfile: 'release: bundle exec rails db:migrate\nweb: bundle exec puma -p ${PORT:-5000} -e production\nworker: bundle exec sidekiq\n',
    });
    const f = rubyDetector.detect(repo, '.');
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'puma', '-p', '5000', '-e', 'production'], source: 'Procfile:2' });
    assert.deepEqual(f.port, { value: 5000, source: 'Procfile:2' });
    assert.deepEqual(f.languageVersion, { value: '3.3', source: 'default' });
    assert.ok(f.sourceFiles.includes('Procfile'));
  });

  it('falls back to a shell for Procfile commands that need one', () => {
    const repo = temp({
      Gemfile: "gem 'rails'\n",
      'config/application.rb': 'require "rails"\n',
      Procfile: 'web: bin/rails db:prepare && bin/rails server -b 0.0.0.0 -p $PORT\n',
    });
    const f = rubyDetector.detect(repo, '.');
    assert.deepEqual(f.start, { value: ['sh', '-c', 'bin/rails db:prepare && bin/rails server -b 0.0.0.0 -p 3000'], source: 'Procfile:1' });
    assert.deepEqual(f.port, { value: 3000, source: 'default' });
  });

  it('runs an API-only Rails app without puma.rb with rails server and no asset build', () => {
    const repo = temp({
      Gemfile: "gem 'rails', '~> 7.1'\n",
      '.ruby-version': '3.2.4\n',
      'config/application.rb': 'require "rails"\nmodule Api\n  class Application < Rails::Application\n    config.api_only = true\n  end\nend\n',
      'app/assets/config/manifest.js': '',
    });
    const f = rubyDetector.detect(repo, '.');
    assert.deepEqual(f.languageVersion, { value: '3.2.4', source: '.ruby-version:1' });
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'rails', 'server', '-b', '0.0.0.0'], source: 'config/application.rb:1' });
    assert.deepEqual(f.port, { value: 3000, source: 'default' });
    assert.deepEqual(f.build, { value: null, source: 'config/application.rb:4' });
  });

  it('runs classic Sinatra with ruby on 4567', () => {
    const repo = temp({
      Gemfile: "gem 'sinatra'\nruby '~> 3.2'\n",
      'app.rb': "require 'sinatra'\n\nget('/') { 'hi' }\n",
    });
    const f = rubyDetector.detect(repo, '.');
    assert.deepEqual(f.languageVersion, { value: '3.2', source: 'Gemfile:2' });
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'ruby', 'app.rb', '-o', '0.0.0.0', '-p', '4567'], source: 'app.rb:1' });
    assert.deepEqual(f.port, { value: 4567, source: 'default' });
    assert.deepEqual(f.entry, { value: 'app.rb', source: 'app.rb' });
  });

  it('serves a Rack 3 app with puma when the bundle has no rackup', () => {
    const repo = temp({
      Gemfile: "gem 'roda'\ngem 'puma'\n",
      'Gemfile.lock': 'GEM\n  specs:\n    puma (6.4.2)\n    rack (3.1.7)\n    roda (3.82.0)\n',
      'config.ru': "require_relative 'app'\nrun App.freeze.app\n",
      'app.rb': "require 'roda'\nclass App < Roda; end\n",
    });
    const f = rubyDetector.detect(repo, '.');
    assert.deepEqual(f.framework, { value: 'roda', source: 'Gemfile:1' });
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'puma', '-b', 'tcp://0.0.0.0:9292'], source: 'config.ru' });
    assert.deepEqual(f.port, { value: 9292, source: 'default' });
  });

  it('makes a sidekiq-only app a worker', () => {
    const repo = temp({
      Gemfile: "gem 'sidekiq'\ngem 'pg'\n",
      'worker.rb': "require 'sidekiq'\nclass HardJob\n  include Sidekiq::Job\nend\n",
    });
    const f = rubyDetector.detect(repo, '.');
    assert.equal(f.worker, true);
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.start, { value: ['bundle', 'exec', 'sidekiq', '-r', './worker.rb'], source: 'Gemfile:1' });
    assert.deepEqual(f.port, { value: null, source: 'Gemfile:1' });
    assert.deepEqual(f.entry, { value: 'worker.rb', source: 'worker.rb' });
  });

  it('makes a gem with nothing runnable a library', () => {
    const repo = temp({ Gemfile: "source 'https://rubygems.org'\ngemspec\n", 'mylib.gemspec': '', 'lib/mylib.rb': 'module Mylib; end\n' });
    const f = rubyDetector.detect(repo, '.');
    assert.equal(f.library, true);
    assert.equal(f.start, undefined);
  });
});
