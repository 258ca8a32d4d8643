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

const FIELDS = ['path', 'language', 'languageVersion', 'framework', 'packageManager', 'port', 'start', 'healthPath', 'public', 'dependsOn', 'imageFrom', 'release'] as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The detection table: per service, each value and the file and line it came from. */
export function formatDetection(d: Detection): string {
  const rows: [string, string][] = [];
  const lines: (string | [string, string])[] = [];
  for (const name of Object.keys(d.services).sort()) {
    const svc = d.services[name]!;
    lines.push(`  ${name}`);
    for (const f of FIELDS) {
      // Only a process of another service's image has these.
      if ((f === 'imageFrom' || f === 'release') && svc[f] === undefined) continue;
      const row: [string, string] = [`${f}: ${show(svc[f])}`, svc.evidence[f] ?? ''];
      rows.push(row);
      lines.push(row);
    }
    // Shown only when detected: most services serve no metrics.
    if (svc.metricsPath) {
      const row: [string, string] = [`metricsPath: ${svc.metricsPath}`, svc.evidence.metricsPath ?? ''];
      rows.push(row);
      lines.push(row);
    }
    const env = Object.keys(svc.env);
    if (env.length) lines.push(`    env: ${env.join(', ')}`);
  }
  const backing = Object.keys(d.backing).sort();
  if (backing.length) lines.push('  backing services');
  for (const name of backing) {
    const b = d.backing[name]!;
    const row: [string, string] = [`${name}: ${b.kind} ${b.version}, used by ${b.usedBy.join(', ') || '-'}`, Object.values(b.evidence)[0] ?? ''];
    rows.push(row);
    lines.push(row);
  }
  const existing = Object.entries(d.existing ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (existing.length) lines.push('  your own files, kept as they are (ours go beside them)');
  for (const [kind, f] of existing) {
    const row: [string, string] = [`${kind}: ${f.value}`, ''];
    rows.push(row);
    lines.push(row);
  }
  const width = Math.min(56, Math.max(0, ...rows.map(([text]) => text.length)));
  const body = lines.map((l) => (typeof l === 'string' ? l : `    ${l[0].padEnd(width)}  ${l[1] ? `(${l[1]})` : ''}`.trimEnd()));
  const head = `Detected application "${d.name}" (images: ${d.registry}/${d.name}-<service>): ${plural(Object.keys(d.services).length, 'service')}, ${plural(backing.length, 'backing service')}`;
  const warnings = d.warnings.map((w) => `  ! ${w}`);
  return [head, ...body, ...(warnings.length ? ['Warnings:', ...warnings] : [])].join('\n');
}
