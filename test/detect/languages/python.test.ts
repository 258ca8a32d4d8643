import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { pythonDetector, pythonMinor, requirementName } from '../../../lib/languages/python/detect.js';
import { tomlEntries } from '../../../lib/detect/toml.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/languages');

const detect = (fixture: string, dir = '.') => {
  const repo = openRepo(join(FIXTURES, fixture));
  assert.ok(pythonDetector.matches(repo, dir), `${fixture}/${dir} should match python`);
  return pythonDetector.detect(repo, dir);
};

const tree = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'py-det-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return openRepo(root);
};

describe('python detector', () => {
  it('flask + gunicorn from requirements.txt', () => {
    const f = detect('python-flask-gunicorn');
    assert.equal(f.language, 'python');
    assert.deepEqual(f.languageVersion, { value: '3.11', source: 'runtime.txt:1' });
    assert.deepEqual(f.framework, { value: 'flask', source: 'requirements.txt:1' });
    assert.deepEqual(f.packageManager, { value: 'pip', source: 'requirements.txt' });
    assert.deepEqual(f.lockfile, { value: 'requirements.txt', source: 'requirements.txt' });
    assert.deepEqual(f.entry, { value: 'app:app', source: 'app.py:6' });
    assert.deepEqual(f.start, { value: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], source: 'requirements.txt:2' });
    assert.deepEqual(f.port, { value: 8000, source: 'default' });
    assert.equal(f.worker, false);
    assert.equal(f.library, false);
    assert.deepEqual(f.dependencies, ['flask', 'gunicorn', 'redis', 'psycopg2-binary', 'python-dotenv']);
    assert.ok(f.sourceFiles.includes('app.py'));
    assert.ok(f.sourceFiles.includes('requirements.txt'));
    assert.ok(f.sourceFiles.includes('.env.example'));
    assert.ok(!f.sourceFiles.includes('tests/test_app.py'));
    assert.ok(!f.dependencies.includes('pytest'), 'dev requirements are not runtime dependencies');
  });

  it('fastapi + uv (pyproject + uv.lock)', () => {
    const f = detect('python-fastapi-uv');
    assert.deepEqual(f.languageVersion, { value: '3.12', source: 'pyproject.toml:5' });
    assert.deepEqual(f.packageManager, { value: 'uv', source: 'uv.lock' });
    assert.deepEqual(f.lockfile, { value: 'uv.lock', source: 'uv.lock' });
    assert.deepEqual(f.framework, { value: 'fastapi', source: 'pyproject.toml:7' });
    assert.deepEqual(f.entry, { value: 'app.main:app', source: 'app/main.py:5' });
    assert.deepEqual(f.start, { value: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'], source: 'pyproject.toml:8' });
    assert.deepEqual(f.port, { value: 8000, source: 'default' });
    assert.deepEqual(f.dependencies, ['fastapi', 'uvicorn', 'sqlalchemy', 'asyncpg']);
    assert.ok(f.sourceFiles.includes('app/db.py'));
    assert.ok(f.sourceFiles.includes('pyproject.toml'));
  });

  it('django + poetry', () => {
    const f = detect('python-django-poetry');
    assert.deepEqual(f.languageVersion, { value: '3.11', source: 'pyproject.toml:8' });
    assert.deepEqual(f.packageManager, { value: 'poetry', source: 'poetry.lock' });
    assert.equal(f.lockfile?.value, 'poetry.lock');
    assert.deepEqual(f.framework, { value: 'django', source: 'pyproject.toml:9' });
    assert.deepEqual(f.entry, { value: 'mysite.wsgi:application', source: 'manage.py:9' });
    assert.deepEqual(f.start, { value: ['gunicorn', '--bind', '0.0.0.0:8000', 'mysite.wsgi:application'], source: 'pyproject.toml:10' });
    assert.deepEqual(f.port, { value: 8000, source: 'default' });
    assert.deepEqual(f.dependencies, ['django', 'gunicorn', 'psycopg', 'celery']);
    assert.equal(f.worker, false);
    assert.ok(f.sourceFiles.includes('mysite/settings.py'));
    assert.ok(!f.sourceFiles.some((s) => s.includes('migrations')));
  });

  it('stdlib http.server without manifests', () => {
    const f = detect('python-stdlib-http');
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.start?.value, ['python', 'server.py']);
    assert.match(f.start!.source, /^server\.py:\d+$/);
    assert.equal(f.entry?.value, 'server.py');
    assert.equal(f.port, undefined, 'the port is in code: left to the scanners');
    assert.equal(f.worker, false);
    assert.deepEqual(f.languageVersion, { value: '3.12', source: 'default' });
    assert.deepEqual(f.packageManager, { value: 'pip', source: 'default' });
    assert.deepEqual(f.lockfile, { value: null, source: 'default' });
    assert.deepEqual(f.dependencies, []);
  });

  it('a background worker', () => {
    const f = detect('python-worker');
    assert.deepEqual(f.languageVersion, { value: '3.12', source: '.python-version' });
    assert.deepEqual(f.start, { value: ['python', 'worker.py'], source: 'worker.py:18' });
    assert.equal(f.worker, true);
    assert.equal(f.port, undefined);
    assert.deepEqual(f.dependencies, ['redis', 'requests']);
  });

  it('Procfile web line wins, $PORT filled with the default port; pipenv; app factory', () => {
    const f = detect('python-procfile-pipenv');
    assert.deepEqual(f.packageManager, { value: 'pipenv', source: 'Pipfile.lock' });
    assert.deepEqual(f.languageVersion, { value: '3.10', source: 'Pipfile:15' });
    assert.deepEqual(f.framework, { value: 'flask', source: 'Pipfile:7' });
    assert.deepEqual(f.start, { value: ['gunicorn', 'wsgi:app', '--bind', '0.0.0.0:8000', '--workers', '2'], source: 'Procfile:2' });
    assert.deepEqual(f.port, { value: 8000, source: 'default' });
    assert.equal(f.entry?.value, 'wsgi:app');
    assert.deepEqual(f.dependencies, ['flask', 'gunicorn', 'pymongo']);
  });

  it('flask without gunicorn runs flask run on 5000; factory entry', () => {
    const f = pythonDetector.detect(
      tree({ 'requirements.txt': 'flask\n', 'service/__init__.py': 'from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n' }),
      '.',
    );
    assert.deepEqual(f.entry, { value: 'service:create_app()', source: 'service/__init__.py:3' });
    assert.deepEqual(f.start?.value, ['flask', '--app', 'service:create_app()', 'run', '--host', '0.0.0.0', '--port', '5000']);
    assert.deepEqual(f.port, { value: 5000, source: 'default' });
  });

  it('fastapi with gunicorn uses uvicorn workers; src layout drops src.', () => {
    const f = pythonDetector.detect(
      tree({
        'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi", "gunicorn", "uvicorn"]\n',
        'src/svc/api.py': 'from fastapi import FastAPI\napi = FastAPI()\n',
        'gunicorn.conf.py': 'bind = "0.0.0.0:9000"\nworkers = 4\n',
      }),
      '.',
    );
    assert.equal(f.entry?.value, 'svc.api:api');
    assert.deepEqual(f.start?.value, ['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', '--bind', '0.0.0.0:9000', 'svc.api:api']);
    assert.deepEqual(f.port, { value: 9000, source: 'gunicorn.conf.py:1' });
    assert.deepEqual(f.packageManager, { value: 'pip', source: 'pyproject.toml' });
    assert.deepEqual(f.build, { value: 'pip install --no-deps .', source: 'pyproject.toml:2' }, 'svc is imported by package name: installed');
  });

  describe('build: the install of an installable project that runs only once installed', () => {
    it('uv, src layout, [build-system]: uv sync installs the project', () => {
      const f = detect('python-uv-src-layout');
      assert.deepEqual(f.packageManager, { value: 'uv', source: 'uv.lock' });
      assert.deepEqual(f.entry, { value: 'shop.api:app', source: 'src/shop/api.py:5' });
      assert.deepEqual(f.start?.value, ['uvicorn', 'shop.api:app', '--host', '0.0.0.0', '--port', '8000']);
      assert.deepEqual(f.build, { value: 'uv sync --frozen --no-dev --no-editable', source: 'pyproject.toml:15' });
      assert.equal(f.library, false);
      assert.ok(!f.sourceFiles.includes('tests/test_api.py'));
    });

    it('poetry, packages from src, a console script started by the Procfile', () => {
      const f = detect('python-poetry-scripts');
      assert.deepEqual(f.packageManager, { value: 'poetry', source: 'poetry.lock' });
      assert.deepEqual(f.start, { value: ['shop-worker'], source: 'Procfile:1' });
      assert.deepEqual(f.build, { value: 'poetry install --only-root', source: 'pyproject.toml:13' });
      assert.equal(f.worker, true);
      assert.deepEqual(f.dependencies, ['redis']);
    });

    it('pip, pyproject with [build-system] and [project.scripts], the console script as start', () => {
      const f = detect('python-pip-console-script');
      assert.deepEqual(f.packageManager, { value: 'pip', source: 'pyproject.toml' });
      assert.deepEqual(f.lockfile, { value: null, source: 'default' });
      assert.deepEqual(f.start, { value: ['shop-serve', '--port', '8000'], source: 'Procfile:1' });
      assert.deepEqual(f.build, { value: 'pip install --no-deps .', source: 'pyproject.toml:12' });
      assert.equal(f.worker, false);
    });

    it('a flat layout without console scripts runs from the working directory: no build', () => {
      assert.deepEqual(detect('python-fastapi-uv').build, { value: null, source: 'default' }, 'uv, [build-system], flat app/');
      assert.deepEqual(detect('python-django-poetry').build, { value: null, source: 'default' });
      assert.deepEqual(detect('python-flask-gunicorn').build, { value: null, source: 'default' });
      const pip = pythonDetector.detect(
        tree({
          'pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\n[project]\nname = "api"\ndependencies = ["flask", "gunicorn"]\n',
          'api/__init__.py': 'from flask import Flask\napp = Flask(__name__)\n',
          'jobs/__init__.py': '',
        }),
        '.',
      );
      assert.deepEqual(pip.start?.value, ['gunicorn', '--bind', '0.0.0.0:8000', 'api:app']);
      assert.deepEqual(pip.build, { value: null, source: 'default' });
    });

    it('uv without [build-system] is a virtual project (uv does not install it): no build, src. kept', () => {
      const f = pythonDetector.detect(
        tree({
          'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi", "uvicorn"]\n',
          'uv.lock': 'version = 1\n',
          'src/svc/api.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
        }),
        '.',
      );
      assert.equal(f.entry?.value, 'src.svc.api:app');
      assert.deepEqual(f.build, { value: null, source: 'default' });
    });

    it('tool.uv.package = true installs without [build-system]; package-mode = false never installs', () => {
      const uv = pythonDetector.detect(
        tree({
          'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi", "uvicorn"]\n[tool.uv]\npackage = true\n',
          'uv.lock': 'version = 1\n',
          'src/svc/api.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
        }),
        '.',
      );
      assert.equal(uv.entry?.value, 'svc.api:app');
      assert.deepEqual(uv.build, { value: 'uv sync --frozen --no-dev --no-editable', source: 'pyproject.toml:5' });
      const poetry = pythonDetector.detect(
        tree({
          'pyproject.toml': '[tool.poetry]\nname = "jobs"\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.12"\n[tool.poetry.scripts]\nrun-jobs = "jobs:main"\n',
          'poetry.lock': '',
          'Procfile': 'worker: run-jobs\n',
          'jobs.py': 'def main():\n    pass\n',
        }),
        '.',
      );
      assert.deepEqual(poetry.start?.value, ['run-jobs']);
      assert.deepEqual(poetry.build, { value: null, source: 'default' });
    });

    it('setup.py console_scripts and a requirements file: pip installs the project', () => {
      const f = pythonDetector.detect(
        tree({
          'requirements.txt': 'requests\n',
          'setup.py': 'from setuptools import setup\n\nsetup(\n    name="tool",\n    entry_points={"console_scripts": ["tool-run=tool.main:main"]},\n)\n',
          'tool/__init__.py': '',
          'tool/main.py': 'def main():\n    pass\n\nif __name__ == "__main__":\n    main()\n',
          'Procfile': 'worker: tool-run\n',
        }),
        '.',
      );
      assert.deepEqual(f.lockfile?.value, 'requirements.txt');
      assert.deepEqual(f.build, { value: 'pip install --no-deps .', source: 'setup.py:5' });
    });

    it('a library gets no build', () => {
      const f = pythonDetector.detect(
        tree({ 'pyproject.toml': '[project]\nname = "utils"\n[build-system]\nrequires = ["hatchling"]\n', 'src/utils/__init__.py': 'def f():\n    return 1\n' }),
        '.',
      );
      assert.equal(f.library, true);
      assert.deepEqual(f.build, { value: null, source: 'default' });
    });
  });

  it('celery worker', () => {
    const f = pythonDetector.detect(
      tree({ 'requirements.txt': 'celery[redis]==5.4.0\n', 'tasks.py': 'from celery import Celery\n\napp = Celery("tasks", broker="redis://redis")\n' }),
      '.',
    );
    assert.deepEqual(f.start, { value: ['celery', '-A', 'tasks', 'worker', '--loglevel=INFO'], source: 'tasks.py:3' });
    assert.equal(f.worker, true);
    assert.equal(f.framework?.value, null);
  });

  it('a package with nothing to run is a library', () => {
    const f = pythonDetector.detect(tree({ 'pyproject.toml': '[project]\nname = "utils"\n', 'utils/__init__.py': 'def f():\n    return 1\n' }), '.');
    assert.equal(f.library, true);
    assert.equal(f.worker, false);
    assert.equal(f.start, undefined);
  });

  it('matches manifests and app modules, not unrelated folders', () => {
    assert.equal(pythonDetector.matches(tree({ 'setup.cfg': '[metadata]\n' }), '.'), true);
    assert.equal(pythonDetector.matches(tree({ 'requirements-prod.txt': 'x\n' }), '.'), true);
    assert.equal(pythonDetector.matches(tree({ 'main.py': 'print(1)\n' }), '.'), true);
    assert.equal(pythonDetector.matches(tree({ 'go.mod': 'module x\n', 'gen.py': 'if __name__ == "__main__":\n  pass\n' }), '.'), false);
    assert.equal(pythonDetector.matches(tree({ 'index.html': '' }), '.'), false);
    assert.equal(pythonDetector.matches(tree({ 'go.mod': 'module x\n', 'requirements.txt': 'mkdocs\n' }), '.'), false);
    assert.equal(pythonDetector.matches(tree({ 'Gemfile': '', 'pyproject.toml': '[project]\n' }), '.'), true);
  });

  it('version specifiers and requirement names', () => {
    assert.equal(pythonMinor('>=3.11'), '3.11');
    assert.equal(pythonMinor('^3.10'), '3.10');
    assert.equal(pythonMinor('>=3.9,<3.13'), '3.9');
    assert.equal(pythonMinor('<3.13'), '3.12');
    assert.equal(pythonMinor('~=3.11.2'), '3.11');
    assert.equal(pythonMinor('3.12.*'), '3.12');
    assert.equal(requirementName('Flask-SQLAlchemy[async]>=3 ; python_version>"3.8"'), 'flask-sqlalchemy');
    assert.equal(requirementName('zope.interface==6'), 'zope-interface');
    assert.equal(requirementName('git+https://github.com/a/b.git#egg=my_pkg'), 'my-pkg');
    assert.equal(requirementName('-e .'), null);
    assert.equal(requirementName('# comment'), null);
    assert.equal(requirementName('mylib @ https://x/y.whl'), 'mylib');
  });

  it('reads TOML multi-line arrays and inline tables', () => {
    const e = tomlEntries('[project]\ndeps = [\n  "a", # c\n  "b[x]",\n]\n[tool.poetry.dependencies]\nx = { version = "1", extras = ["y"] }\n');
    assert.deepEqual(
      e.map((x) => [x.table, x.key, x.line]),
      [
        ['project', 'deps', 2],
        ['tool.poetry.dependencies', 'x', 7],
      ],
    );
  });
});
