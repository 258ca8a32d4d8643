/**
 * lib/validate/compose.ts on hand-written Compose files: each check must
 * reject what it is for (so the matrix passing means something), and merging
 * must follow Compose's rules for the keys our files use.
 */
import assert from 'node:assert/strict';
import { yamlScalar as scalar } from '../../lib/render/ejs.js';
import { checkEnvExample, hasUrlPassword, mergeCompose, validateCompose } from '../../lib/validate/compose.js';
import type { OutputFile } from '../../lib/render/types.js';

const base = `name: demo
services:
  web:
    image: example/web:1
    ports:
      - "127.0.0.1:3000:3000"
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16-bookworm
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db-password
    secrets:
      - db-password
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
volumes:
  db-data: {}
secrets:
  db-password:
    file: ./secrets/db-password
`;
const documented: OutputFile[] = [{ path: 'secrets/README.md', content: '| `secrets/db-password` | the password |\n' }];

/** Problems of `base` with one edit applied. */
const problemsOf = (edit: (text: string) => string, files: OutputFile[] = documented) => validateCompose(edit(base), { files });

describe('validateCompose', () => {
  it('accepts a valid file', () => {
    assert.deepEqual(problemsOf((t) => t), []);
  });

  it('rejects what the compose-spec schema rejects (a misspelt key, a wrong type)', () => {
    assert.match(problemsOf((t) => t.replace('    image: example/web:1', '    image: example/web:1\n    restrat: always')).join('\n'), /must NOT have additional properties "restrat"/);
    assert.match(problemsOf((t) => t.replace('  db-data: {}', '  db-data: 3')).join('\n'), /\/volumes\/db-data/);
  });

  it('rejects a depends_on target that is not a service', () => {
    assert.match(problemsOf((t) => t.replace('      db:\n        condition', '      cache:\n        condition')).join('\n'), /depends_on: "cache" is not a service/);
  });

  it('rejects service_healthy on a service without a healthcheck', () => {
    const text = (t: string) => t.replace(/    healthcheck:\n      test: .*\n/, '');
    assert.match(problemsOf(text).join('\n'), /condition service_healthy, but "db" has no healthcheck/);
  });

  it('rejects a dependency cycle', () => {
    const cyc = (t: string) => t.replace('  db:\n    image: postgres', '  db:\n    depends_on: [web]\n    image: postgres');
    assert.match(problemsOf(cyc).join('\n'), /depends_on cycle db → web → db/);
  });

  it('rejects undeclared named volumes, secrets and networks, and declared-but-unused ones', () => {
    assert.match(problemsOf((t) => t.replace('      - db-data:/var', '      - other:/var')).join('\n'), /named volume "other" is not declared/);
    assert.match(problemsOf((t) => t.replace('      - db-data:/var', '      - other:/var')).join('\n'), /volumes\.db-data: declared but used by no service/);
    assert.match(problemsOf((t) => t.replace('    secrets:\n      - db-password', '    secrets:\n      - api-key')).join('\n'), /secret "api-key" is not declared/);
    assert.match(problemsOf((t) => t.replace('    image: example/web:1', '    image: example/web:1\n    networks: [back]')).join('\n'), /network "back" is not declared/);
    assert.deepEqual(problemsOf((t) => t.replace('    image: example/web:1', '    image: example/web:1\n    volumes: ["./src:/app", "/app/node_modules"]')), []);
  });

  it('rejects a secret file or env_file that is neither rendered nor documented', () => {
    assert.match(problemsOf((t) => t, []).join('\n'), /"\.\/secrets\/db-password" is neither generated nor documented/);
    assert.match(problemsOf((t) => t.replace('    image: example/web:1', '    image: example/web:1\n    env_file: secrets/web.env')).join('\n'), /env_file\[0\]: "secrets\/web\.env"/);
    assert.deepEqual(problemsOf((t) => t.replace('    image: example/web:1', '    image: example/web:1\n    env_file: [{path: local.env, required: false}]')), []);
    assert.match(problemsOf((t) => t.replace('file: ./secrets/db-password', 'file: /etc/db-password')).join('\n'), /is absolute/);
  });

  it('rejects literal secrets, secret defaults and URLs with passwords', () => {
    const env = (lines: string) => (t: string) => t.replace('    image: example/web:1', `    image: example/web:1\n    environment:\n${lines}`);
    assert.match(problemsOf(env('      DB_PASSWORD: hunter2')).join('\n'), /DB_PASSWORD: literal value for a secret/);
    assert.match(problemsOf(env('      - API_TOKEN=abc')).join('\n'), /API_TOKEN: literal value for a secret/);
    assert.match(problemsOf(env('      JWT_SECRET: ${JWT_SECRET:-dev-secret}')).join('\n'), /JWT_SECRET: literal value/);
    assert.match(problemsOf(env('      SESSION: ${SESSION_KEY:-abc}')).join('\n'), /interpolation of secret \$\{SESSION_KEY\} has a literal default/);
    assert.match(problemsOf(env('      DATABASE_URL: postgres://app:pw@db/app')).join('\n'), /DATABASE_URL: URL with a literal password/);
    assert.match(problemsOf(env('      DATABASE_URL: ${DATABASE_URL:-postgres://app:pw@db/app}')).join('\n'), /URL with a literal password/);
    const custom = validateCompose(env('      SIGNING: abc')(base), { files: documented, secretNames: ['SIGNING'] });
    assert.match(custom.join('\n'), /SIGNING: literal value for a secret/);
    // Allowed: interpolation without default, pass-through, *_FILE paths, switches about secrets.
    assert.deepEqual(problemsOf(env('      DB_PASSWORD: ${DB_PASSWORD}\n      API_TOKEN:\n      TOKEN_FILE: /run/secrets/t\n      MYSQL_RANDOM_ROOT_PASSWORD: "yes"\n      REDIS_URL: redis://redis:6379')), []);
  });

  it('rejects ports published beyond 127.0.0.1', () => {
    const ports = (p: string) => (t: string) => t.replace('      - "127.0.0.1:3000:3000"', `      - ${p}`);
    assert.match(problemsOf(ports('"3000:3000"')).join('\n'), /publishes on every interface/);
    assert.match(problemsOf(ports('"3000"')).join('\n'), /publishes on every interface/);
    assert.match(problemsOf(ports('3000')).join('\n'), /random host port/);
    assert.match(problemsOf(ports('"0.0.0.0:3000:3000"')).join('\n'), /not bound to 127\.0\.0\.1/);
    assert.match(problemsOf(ports('{target: 3000, published: 3000}')).join('\n'), /host_ip is null/);
    assert.deepEqual(problemsOf(ports('{target: 3000, published: 3000, host_ip: 127.0.0.1}')), []);
  });

  it('validates several files merged, each against the schema too', () => {
    const override = 'services:\n  web:\n    ports:\n      - "9229:9229"\n';
    assert.match(validateCompose([base, override], { files: documented }).join('\n'), /ports\[1\]: "9229:9229" publishes on every interface/);
    assert.match(validateCompose([base, 'services:\n  web:\n    bogus: 1\n'], { files: documented }).join('\n'), /compose\.yaml\[1\]: .*"bogus"/);
  });
});

describe('mergeCompose', () => {
  it('merges mappings, appends lists, replaces commands and merges volumes by target', () => {
    const merged = mergeCompose(
      { services: { a: { build: { context: 'a' }, environment: ['X=1', 'Y=2'], ports: ['p1'], command: ['x'], volumes: ['v:/data', './a:/app'] } } },
      { services: { a: { build: { target: 'dev' }, environment: { Y: '3' }, ports: ['p2', 'p1'], command: ['y'], volumes: ['./b:/app', '/app/node_modules'] } } },
    );
    assert.deepEqual(merged.services, {
      a: {
        build: { context: 'a', target: 'dev' },
        environment: { X: '1', Y: '3' },
        ports: ['p1', 'p2'],
        command: ['y'],
        volumes: ['v:/data', './b:/app', '/app/node_modules'],
      },
    });
  });
});

describe('secret helpers', () => {
  it('hasUrlPassword finds a password in a URL and nothing else', () => {
    assert.equal(hasUrlPassword('postgres://u:p@h/db'), true);
    assert.equal(hasUrlPassword('redis://:p@h:6379'), true);
    assert.equal(hasUrlPassword('postgres://u@h/db'), false);
    assert.equal(hasUrlPassword('http://api:8000/x'), false);
  });

  it('checkEnvExample flags secret values and URLs with passwords, not empty secrets', () => {
    assert.deepEqual(checkEnvExample('# c\nJWT_SECRET=\nAPI_URL=http://api:8000\n'), []);
    assert.equal(checkEnvExample('JWT_SECRET=abc\n').length, 1);
    assert.equal(checkEnvExample("X='redis://:pw@redis:6379'\n").length, 1);
    assert.equal(checkEnvExample('SIGNING=abc\n', ['SIGNING']).length, 1);
  });
});

describe('scalar', () => {
  it('quotes what YAML 1.1 parsers would not read as a string', () => {
    for (const v of ['yes', 'no', 'on', 'off', 'y', 'N', '1:30', '1_000', '2024-01-01', '=', '012', '0x1F', '8000', '1.5', '']) {
      assert.match(scalar(v), /^["']/, v);
    }
    for (const v of ['redis://redis:6379', '0.0.0.0', '127.0.0.1:3000:3000', 'development', '${A:-b}', '-e']) assert.equal(scalar(v), v);
    assert.equal(scalar(5), '5');
  });
});
