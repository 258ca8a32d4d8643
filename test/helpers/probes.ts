/**
 * The probes of a rendered workload in one line each, for the probe tests of
 * both renderers (test/helm/chart.test.ts, test/kubernetes/manifests.test.ts).
 */
import type { K8sObject } from '../../lib/validate/k8s.js';

/** `GET <path> on <port>`, `TCP <port>`, `exec`, or `none`. */
export function describeProbe(p: any): string {
  if (!p) return 'none';
  if (p.httpGet) return `GET ${p.httpGet.path} on ${p.httpGet.port}`;
  if (p.tcpSocket) return `TCP ${p.tcpSocket.port}`;
  return p.exec ? 'exec' : JSON.stringify(p);
}

/** The startup, liveness and readiness probes of the first container of the workload `name`. */
export function probesOf(docs: K8sObject[], name: string): { startup: string; liveness: string; readiness: string } {
  const w = docs.find((d) => (d.kind === 'Deployment' || d.kind === 'StatefulSet') && d.metadata?.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  const c = (w.spec as any).template.spec.containers[0];
  return { startup: describeProbe(c.startupProbe), liveness: describeProbe(c.livenessProbe), readiness: describeProbe(c.readinessProbe) };
}

/** What the model-derived probes are expected to be, for the POLYGLOT model's services. */
export const POLYGLOT_PROBES: Record<string, { startup: string; liveness: string; readiness: string }> = {
  // A health path: readiness checks it; liveness and startup only that the port answers.
  'node-svc': { startup: 'TCP http', liveness: 'TCP http', readiness: 'GET /healthz on http' },
  // Spring Boot's actuator: its liveness and readiness health groups.
  'java-svc': { startup: 'TCP http', liveness: 'GET /actuator/health/liveness on http', readiness: 'GET /actuator/health/readiness on http' },
  // No health path: TCP for all three.
  'go-svc': { startup: 'TCP tcp', liveness: 'TCP tcp', readiness: 'TCP tcp' },
};
