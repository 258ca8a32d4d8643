/**
 * One secret rule for every output (issue 10): a name, a value or the `secret` flag that says
 * "secret" sends the variable to a secret reference in Compose (secrets/<svc>.env), kustomize
 * and Helm (secretKeyRef), never to a value in a tracked file. Reported before: code defaults
 * of DB_PWD, PASSPHRASE, CONN_STR (with Password=), AUTH_HEADER (a Bearer token) and
 * SLACK_WEBHOOK landed in the kustomize ConfigMaps, values.yaml, compose.yaml and
 * .env.example; Compose treated some as secrets while Kubernetes and Helm read the flag only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as helmFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { secretNameReason, secretReason, secretValueReason } from '../../lib/model/secrets.js';
import { wireStack } from '../../lib/render/wiring.js';
import { runGenerator } from '../helpers/run.js';
import { plain, secret, service, stack } from '../helpers/models.js';
import { snapshotTree, writeTree } from '../helpers/tree.js';
import { result } from 'yeoman-test';

describe('the one secret rule (issue 10)', () => {
  it('names: passwords, PWD suffixes, passphrases, tokens, keys, credentials, AUTH, webhooks, DSNs and connection strings', () => {
    for (const n of ['DB_PASSWORD', 'DB_PASSWD', 'DB_PWD', 'GPG_PASSPHRASE', 'JWT_SECRET', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'PRIVATE_KEY', 'GCP_CREDENTIALS', 'BASIC_AUTH', 'SLACK_WEBHOOK', 'SLACK_WEBHOOK_URL', 'SENTRY_DSN', 'CONN_STR', 'CONNECTION_STRING', 'ConnectionStrings__Default', 'AUTHORIZATION'])
      assert.ok(secretNameReason(n), `${n} is a secret`);
    for (const n of ['PWD', 'OLDPWD', 'PUBLIC_KEY', 'CACHE_KEY_PREFIX', 'TOKEN_URL', 'PASSWORD_FILE', 'AUTH_MODE', 'WEBHOOK_ENABLED', 'DATABASE_URL', 'LOG_LEVEL', 'ACCESS_KEY_ID'])
      assert.equal(secretNameReason(n), null, `${n} is not a secret`);
  });

  it('values: URLs and connection strings with a password, Authorization values, private keys, known token formats, random-looking strings', () => {
    for (const v of [
      'postgres://app:s3cret@db:5432/app',
      'Host=db;Database=app;Username=app;Password=s3cret',
      'Server=db;Uid=app;Pwd=s3cret;',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----',
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'https://api.example.com/v1?api_key=abcdef0123456789',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ])
      assert.ok(secretValueReason(v), `${JSON.stringify(v)} looks secret`);
    for (const v of ['info', 'http://localhost:3000', 'redis://redis:6379/0', 'Hello, ${USER}!', '/var/lib/postgresql/data', '123e4567-e89b-12d3-a456-426614174000', 'com.example.MyApplication1', 'gpt-4o-mini-2024-07-18'])
      assert.equal(secretValueReason(v), null, `${JSON.stringify(v)} is not a secret`);
  });

  it('the flag, the name or the value; --not-secret (notSecret) overrides all three', () => {
    assert.ok(secretReason('LOG_LEVEL', { value: null, secret: true }));
    assert.ok(secretReason('DB_PWD', { value: null, secret: false }));
    assert.ok(secretReason('AUTH_HEADER', { value: 'Bearer abcdefghijklmnop', secret: false }));
    assert.equal(secretReason('AUTH_HEADER', { value: 'Bearer abcdefghijklmnop', secret: false, notSecret: true }), null);
  });

  /** A service with one variable of each kind of secret, each given (as a model would only hold it unvalidated) a literal value. */
  const model = stack('vault', {
    api: service({
      path: 'api',
      language: 'node',
      port: 3000,
      start: ['node', 'server.js'],
      env: {
        DB_PWD: plain('hunter2-pwd'),
        PASSPHRASE: plain('correct-horse-battery'),
        CONN_STR: plain('Server=db.example.com;Database=x;User Id=u;Password=hunter2-conn;'),
        AUTH_HEADER: plain('Bearer hunter2tokenvalue0123'),
        SLACK_WEBHOOK: plain('https://hooks.slack.com/services/T0/B0/hunter2hook'),
        REPORTS_URL: plain('https://reporter:hunter2-url@reports.example.com/v1'),
        FLAGGED: { value: null, secret: true },
        LOG_LEVEL: plain('info'),
        ALLOWED: { value: 'Bearer not-a-secret-here', secret: false, notSecret: true },
      },
    }),
  });
  const SECRETS = ['hunter2-pwd', 'correct-horse-battery', 'hunter2-conn', 'hunter2tokenvalue0123', 'hunter2hook', 'hunter2-url'];

  it('the wiring (read by Compose, kustomize and Helm) sends every secret to a secret, never a literal', () => {
    const vars = Object.fromEntries(wireStack(model).services.api!.map((v) => [v.name, v.value.kind]));
    assert.deepEqual(vars, { ALLOWED: 'literal', AUTH_HEADER: 'secret', CONN_STR: 'secret', DB_PWD: 'secret', FLAGGED: 'secret', LOG_LEVEL: 'literal', PASSPHRASE: 'secret', REPORTS_URL: 'secret', SLACK_WEBHOOK: 'secret' });
  });

  it('no secret value reaches compose.yaml, .env.example, the kustomize ConfigMaps or values.yaml; each output refers to a secret', () => {
    const out = [...composeFiles(model), ...kubernetesFiles(model), ...helmFiles(model)];
    const tracked = out.filter((f) => !/^secrets\/(?!README\.md|create\.sh|\.gitignore)/.test(f.path));
    for (const f of tracked) for (const s of SECRETS) assert.ok(!f.content.includes(s), `${f.path} holds ${s}`);
    const compose = parse(out.find((f) => f.path === 'compose.yaml')!.content);
    assert.deepEqual(Object.keys(compose.services.api.environment).sort(), ['ALLOWED', 'LOG_LEVEL', 'PORT']);
    assert.deepEqual(compose.services.api.env_file, ['secrets/api.env']);
    const deployment = parse(out.find((f) => f.path === 'deploy/kubernetes/base/deployment.yaml')!.content.split('\n---\n').find((d) => d.includes('kind: Deployment'))!);
    const refs = deployment.spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name).sort();
    assert.deepEqual(refs, ['AUTH_HEADER', 'CONN_STR', 'DB_PWD', 'FLAGGED', 'PASSPHRASE', 'REPORTS_URL', 'SLACK_WEBHOOK']);
    const values = parse(out.find((f) => f.path === 'deploy/helm/vault/values.yaml')!.content);
    assert.deepEqual([...values.services.api.secretEnv].sort(), refs);
    assert.deepEqual(Object.keys(values.services.api.env).sort(), ['ALLOWED', 'LOG_LEVEL']);
  });

  it('code defaults that are secrets never reach a tracked file of a real run (detection withholds them)', async () => {
    const code = [
      "const express = require('express');",
      "const DB_PWD = process.env.DB_PWD || 'hunter2-pwd';",
      "const PASSPHRASE = process.env.PASSPHRASE || 'correct-horse-battery';",
      "const CONN_STR = process.env.CONN_STR || 'Server=db.example.com;Password=hunter2-conn;';",
      "const AUTH_HEADER = process.env.AUTH_HEADER || 'Bearer hunter2tokenvalue0123';",
      "const SLACK_WEBHOOK = process.env.SLACK_WEBHOOK || 'https://hooks.slack.com/services/T0/B0/hunter2hook';",
      "const REPORTS_URL = process.env.REPORTS_URL || 'https://reporter:hunter2-url@reports.example.com/v1';",
      "express().get('/healthz', (q, s) => s.send('ok')).listen(process.env.PORT || 3000);",
      '',
    ].join('\n');
    await runGenerator('app')
      .inTmpDir((d) => writeTree(d, { 'web/package.json': JSON.stringify({ name: 'web', scripts: { start: 'node server.js' }, dependencies: { express: '4' } }), 'web/server.js': code }))
      .withOptions({ yes: true, name: 'vault', registry: 'ghcr.io/acme' })
      .withAnswers({}, { throwOnMissingAnswer: true });
    const tree = snapshotTree(result.cwd);
    const rc = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-containerize'];
    for (const name of ['DB_PWD', 'PASSPHRASE', 'CONN_STR', 'AUTH_HEADER', 'SLACK_WEBHOOK', 'REPORTS_URL']) assert.deepEqual(rc.services.web.env[name], { value: null, secret: true }, name);
    for (const [path, content] of Object.entries(tree)) {
      if (path.startsWith('web/')) continue; // the user's own code
      for (const s of SECRETS) assert.ok(!content.includes(s), `${path} holds ${s}`);
    }
  });
});
