/**
 * Prometheus metrics (issue 15, item 5): a service that depends on a Prometheus client library
 * serves metrics at its convention's path (lib/catalog/metrics.ts); detection records it with
 * the dependency as evidence. Fixtures written for this project.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsFromDependencies } from '../../lib/catalog/metrics.js';
import { detectStack, toModel } from '../../lib/detect/stack.js';
import { checkModel } from '../../lib/model/validate.js';
import { canonical, setsToLayer, mergeLayers } from '../../lib/model/merge.js';
import type { StackModel } from '../../lib/model/types.js';
import { writeTree } from '../helpers/tree.js';

const detect = (tree: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'metrics-'));
  writeTree(root, tree);
  try {
    return { d: detectStack(root), root };
  } finally {
    // the tree stays until the test removes it (checkModel reads the folders)
  }
};

describe('detection: Prometheus metrics', () => {
  const cases: [string, Record<string, string>, string | undefined, RegExp | null][] = [
    [
      'node: prom-client',
      { 'package.json': '{"name":"web","scripts":{"start":"node server.js"},"dependencies":{"express":"4.21.0","prom-client":"15.1.0"}}\n', 'server.js': "const app = require('express')();\napp.listen(3000);\n" },
      '/metrics',
      /package\.json:\d+/,
    ],
    [
      'python: prometheus_client in requirements.txt',
      { 'requirements.txt': 'flask==3.0.0\nprometheus_client==0.20.0\ngunicorn==22.0.0\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' },
      '/metrics',
      /requirements\.txt/,
    ],
    [
      'go: client_golang',
      { 'go.mod': 'module example.com/api\n\ngo 1.22\n\nrequire github.com/prometheus/client_golang v1.19.0\n', 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n' },
      '/metrics',
      /go\.mod:\d+/,
    ],
    [
      'java: Spring Boot with micrometer-registry-prometheus serves the actuator endpoint',
      {
        'pom.xml':
          '<project><modelVersion>4.0.0</modelVersion><groupId>a</groupId><artifactId>api</artifactId><version>1</version>\n<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version></parent>\n<dependencies>\n<dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>\n<dependency><groupId>io.micrometer</groupId><artifactId>micrometer-registry-prometheus</artifactId></dependency>\n</dependencies></project>\n',
        'src/main/java/a/App.java': 'package a;\n@SpringBootApplication\npublic class App { public static void main(String[] a) {} }\n',
      },
      '/actuator/prometheus',
      /pom\.xml:\d+/,
    ],
    ['no client library: no metrics', { 'package.json': '{"name":"web","scripts":{"start":"node server.js"},"dependencies":{"express":"4.21.0"}}\n', 'server.js': "require('express')().listen(3000);\n" }, undefined, null],
  ];
  for (const [title, tree, path, evidence] of cases)
    it(title, () => {
      const { d, root } = detect(tree);
      try {
        const svc = Object.values(d.services)[0]!;
        assert.equal(svc.metricsPath, path);
        if (evidence) assert.match(svc.evidence.metricsPath ?? '', evidence);
        const model = canonical(toModel(d));
        assert.equal(Object.values(model.services)[0]!.metricsPath, path, 'the model carries it');
        assert.deepEqual(checkModel(model, root), []);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

  it('a worker (no port) with a client library gets no metricsPath: its metrics port is not knowable (--set <name>.metricsPort)', () => {
    assert.deepEqual(metricsFromDependencies('node', null, ['prom-client']), { path: '/metrics', dependency: 'prom-client' });
    const { d, root } = detect({ 'package.json': '{"name":"jobs","scripts":{"start":"node worker.js"},"dependencies":{"prom-client":"15.1.0","bullmq":"5.0.0"}}\n', 'worker.js': "require('bullmq');\n" });
    try {
      const svc = Object.values(d.services)[0]!;
      assert.equal(svc.port, null);
      assert.equal(svc.metricsPath, undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the model: metricsPort needs a metricsPath, a worker\'s metricsPath needs a metricsPort; --set <name>.metricsPath=null removes it', () => {
    const { d, root } = detect(cases[0]![1]);
    try {
      const model = canonical(toModel(d));
      const name = Object.keys(model.services)[0]!;
      const at = (sets: string[]) => canonical(mergeLayers(model as never, setsToLayer(sets)) as unknown as StackModel);
      assert.ok(checkModel(at([`${name}.metricsPath=null`, `${name}.metricsPort=9100`]), root).some((p) => p.includes('metricsPort: is set but the service serves no metrics')));
      assert.ok(checkModel(at([`${name}.port=null`, `${name}.public=false`]), root).some((p) => p.includes('metricsPath: is set but the service has no port')));
      assert.deepEqual(checkModel(at([`${name}.port=null`, `${name}.public=false`, `${name}.metricsPort=9100`]), root), []);
      const removed = at([`${name}.metricsPath=null`]);
      assert.equal('metricsPath' in removed.services[name]!, false, 'null is absent: not stored');
      assert.ok(checkModel(at([`${name}.metricsPath=metrics`]), root).some((p) => p.includes('metricsPath')), 'a path starts with /');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
