/**
 * The workload facts (lib/render/workloads.ts) both Kubernetes renderers read:
 * here, the probe handlers, decided once per service from the model.
 */
import assert from 'node:assert/strict';
import { serviceFacts } from '../../lib/render/workloads.js';
import { SCHEMA_VERSION, type StackModel } from '../../lib/model/types.js';
import { service } from '../helpers/k8s-models.js';

const model = (svc: ReturnType<typeof service>): StackModel => ({ schemaVersion: SCHEMA_VERSION, name: 'demo', registry: 'ghcr.io/acme', services: { app: svc }, backing: {} });
const facts = (svc: ReturnType<typeof service>) => serviceFacts(model(svc), 'app');

describe('lib/render/workloads: probe handlers', () => {
  it('a health path: readiness GETs it; liveness and startup only connect to the port', () => {
    const f = facts(service('node', { healthPath: '/healthz' }));
    assert.equal(f.portName, 'http');
    assert.deepEqual(f.handlers, {
      startup: { tcpSocket: { port: 'http' } },
      liveness: { tcpSocket: { port: 'http' } },
      readiness: { httpGet: { path: '/healthz', port: 'http' } },
    });
    assert.equal(f.readinessPath, '/healthz');
    assert.equal(f.livenessPath, null);
  });

  it('Spring Boot: the actuator\'s liveness and readiness groups, below a custom base path too', () => {
    for (const [health, base] of [['/actuator/health', '/actuator/health'], ['/manage/health/', '/manage/health']]) {
      const f = facts(service('java', { framework: 'spring-boot', healthPath: health }));
      assert.deepEqual(f.handlers, {
        startup: { tcpSocket: { port: 'http' } },
        liveness: { httpGet: { path: `${base}/liveness`, port: 'http' } },
        readiness: { httpGet: { path: `${base}/readiness`, port: 'http' } },
      });
    }
    // A health path that is not the actuator's (the app's own controller): readiness only.
    const own = facts(service('java', { framework: 'spring-boot', healthPath: '/status' }));
    assert.deepEqual(own.handlers?.liveness, { tcpSocket: { port: 'http' } });
    assert.deepEqual(own.handlers?.readiness, { httpGet: { path: '/status', port: 'http' } });
    // Quarkus serves /q/health: no Spring groups.
    assert.equal(facts(service('java', { framework: 'quarkus', healthPath: '/q/health' })).livenessPath, null);
  });

  it('no health path: TCP for all three; a worker: no probes', () => {
    const tcp = { tcpSocket: { port: 'tcp' } };
    assert.deepEqual(facts(service('go', { healthPath: null })).handlers, { startup: tcp, liveness: tcp, readiness: tcp });
    const worker = facts(service('go', { port: null, healthPath: null }));
    assert.equal(worker.handlers, null);
    assert.equal(worker.portName, null);
  });

  it('liveness is never the readiness handler when readiness is an HTTP check', () => {
    for (const svc of [service('node'), service('python'), service('java'), service('ruby'), service('dotnet'), service('rust'), service('static')]) {
      const h = facts(svc).handlers!;
      if ('httpGet' in h.readiness) assert.notDeepEqual(h.liveness, h.readiness, svc.language);
    }
  });
});
