/**
 * Detection explains itself: a table of every detected value and the file and
 * line it came from, printed before any question is asked.
 */
import type { Detection } from './types.js';

const show = (v: unknown): string => {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.length ? v.join(' ') : '-';
  return String(v);
};

const FIELDS = ['path', 'language', 'languageVersion', 'framework', 'packageManager', 'port', 'start', 'healthPath', 'public', 'dependsOn'] as const;

export function formatDetection(d: Detection): string {
  const rows: string[][] = [];
  for (const name of Object.keys(d.services).sort()) {
    const svc = d.services[name]!;
    rows.push([name, '', '']);
    for (const f of FIELDS) rows.push(['', `${f}: ${show(svc[f])}`, svc.evidence[f] ?? '']);
    const env = Object.keys(svc.env);
    if (env.length) rows.push(['', `env: ${env.join(', ')}`, '']);
  }
  for (const name of Object.keys(d.backing).sort()) {
    const b = d.backing[name]!;
    rows.push([name, `${b.kind} ${b.version}, used by ${b.usedBy.join(', ') || '-'}`, Object.values(b.evidence)[0] ?? '']);
  }
  const w0 = Math.max(...rows.map((r) => r[0]!.length), 8);
  const w1 = Math.max(...rows.map((r) => r[1]!.length), 10);
  const body = rows.map((r) => `  ${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2] ? `(${r[2]})` : ''}`.trimEnd());
  const head = `Detected application "${d.name}" (images: ${d.registry}/${d.name}-<service>): ${Object.keys(d.services).length} services, ${Object.keys(d.backing).length} backing services`;
  const warnings = d.warnings.map((w) => `  ! ${w}`);
  return [head, ...body, ...(warnings.length ? ['Warnings:', ...warnings] : [])].join('\n');
}
