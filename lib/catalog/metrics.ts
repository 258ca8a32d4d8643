/**
 * Prometheus client libraries, per language: a service that depends on one serves metrics,
 * by the library's (or its framework's) convention at the path below. The one home of that
 * knowledge: detection reads it (lib/detect/stack.ts), docs/kubernetes.md lists it.
 */
import type { Language } from '../model/types.js';
import { normalizeDependency } from './common.js';

export interface MetricsLibrary {
  /** Dependency names as the language's manifests spell them (Go: module path prefixes; Java: artifactId). */
  names: string[];
  /** Where the metrics are served by default. */
  path: string;
  /** Only with this framework (Spring Boot's actuator endpoint, Quarkus' /q/metrics...). */
  framework?: string;
}

/** By language; a language without an entry has no known Prometheus client. */
export const METRICS_LIBRARIES: Partial<Record<Language, MetricsLibrary[]>> = {
  node: [{ names: ['prom-client', 'express-prom-bundle', '@willsoto/nestjs-prometheus', 'fastify-metrics'], path: '/metrics' }],
  python: [{ names: ['prometheus-client', 'prometheus-fastapi-instrumentator', 'prometheus-flask-exporter', 'django-prometheus', 'starlette-exporter', 'aioprometheus'], path: '/metrics' }],
  go: [{ names: ['github.com/prometheus/client_golang'], path: '/metrics' }],
  java: [
    { names: ['micrometer-registry-prometheus'], path: '/actuator/prometheus', framework: 'spring-boot' },
    { names: ['quarkus-micrometer-registry-prometheus', 'quarkus-smallrye-metrics'], path: '/q/metrics', framework: 'quarkus' },
    { names: ['micronaut-micrometer-registry-prometheus'], path: '/prometheus', framework: 'micronaut' },
    { names: ['simpleclient_httpserver', 'prometheus-metrics-exporter-httpserver'], path: '/metrics' },
  ],
  ruby: [{ names: ['prometheus-client', 'yabeda-prometheus', 'yabeda-prometheus-mmap', 'prometheus_exporter'], path: '/metrics' }],
  php: [{ names: ['promphp/prometheus_client_php', 'endclothing/prometheus_client_php'], path: '/metrics' }],
  dotnet: [{ names: ['prometheus-net.aspnetcore', 'opentelemetry.exporter.prometheus.aspnetcore'], path: '/metrics' }],
  rust: [{ names: ['actix-web-prom', 'axum-prometheus', 'metrics-exporter-prometheus', 'prometheus'], path: '/metrics' }],
};

/** The metrics path a service's dependencies imply, with the dependency that implies it; null when none is a Prometheus client. */
export function metricsFromDependencies(language: Language, framework: string | null, dependencies: string[]): { path: string; dependency: string } | null {
  const names = dependencies.map((d) => ({ raw: d, name: normalizeDependency(d, language) }));
  for (const lib of METRICS_LIBRARIES[language] ?? []) {
    if (lib.framework && lib.framework !== framework) continue;
    const hit = names.find((n) => lib.names.some((l) => (language === 'go' ? n.name === l || n.name.startsWith(`${l}/`) : n.name === l)));
    if (hit) return { path: lib.path, dependency: hit.raw };
  }
  return null;
}
