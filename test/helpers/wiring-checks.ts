/**
 * Checks of a rendered container's environment against the stack model, shared by the Helm
 * and kustomize tests. Written from the rules (docs/wiring.md), not from the wiring code:
 * - a variable the model marks secret never has a literal value: it comes from a Secret, or
 *   its value only refers to a password that does ($(CONTAINERIZE_<BACKING>_PASSWORD));
 * - every `$(NAME)` reference names an earlier variable read from a backing service's Secret
 *   (key "password"), and only wired values use them;
 * - a ConfigMap value differs from the code's default only when it points at a backing
 *   service the service depends on (the wiring rewrote localhost or filled an unknown value).
 */
import type { StackModel } from '../../lib/model/types.js';

export function envProblems(model: StackModel, service: string, env: any[], config: Record<string, string>, backingSecret: (backing: string) => string): string[] {
  const svc = model.services[service]!;
  const out: string[] = [];
  const add = (m: string) => out.push(`service ${service}: ${m}`);
  const seen = new Map<string, any>();
  const backingOf = new Map<string, string>();
  for (const b of Object.keys(model.backing)) backingOf.set(`CONTAINERIZE_${b.toUpperCase().replace(/-/g, '_')}_PASSWORD`, b);
  for (const e of env) {
    // The one literal: PORT, the model's port, restated next to containerPort so that a patch of the port reaches the process.
    if (e.name === 'PORT') {
      if (svc.port === null || e.value !== String(svc.port)) add(`PORT=${e.value} is not the model's port ${svc.port}`);
    } else if (e.value !== undefined) {
      const refs = [...String(e.value).matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!);
      if (!refs.length) add(`${e.name} has a literal value in the Deployment (literal values belong in the ConfigMap)`);
      for (const r of refs) {
        const from = seen.get(r);
        const b = backingOf.get(r);
        if (!from?.valueFrom?.secretKeyRef) add(`${e.name} refers to $(${r}), which is not an earlier variable read from a Secret`);
        else if (b && (from.valueFrom.secretKeyRef.name !== backingSecret(b) || from.valueFrom.secretKeyRef.key !== 'password'))
          add(`${r} does not read the password of ${b} from ${backingSecret(b)}`);
      }
      if (!refs.some((r) => backingOf.has(r) && svc.dependsOn.includes(backingOf.get(r)!))) add(`${e.name} is composed from no backing service it depends on`);
    }
    seen.set(e.name, e);
  }
  for (const [name, v] of Object.entries(svc.env)) {
    if (!v.secret) continue;
    // An empty value holds no secret: a password variable wired to a backing service that runs without one.
    if (config[name] === '') continue;
    if (name in config) add(`secret ${name} is in the ConfigMap`);
    const e = seen.get(name);
    if (!e) {
      add(`secret ${name} is not in the container's env`);
      continue;
    }
    if (!e.valueFrom?.secretKeyRef && !/\$\(CONTAINERIZE_[A-Z0-9_]+_PASSWORD\)/.test(String(e.value))) add(`secret ${name} is neither read from a Secret nor composed from a password`);
  }
  // Every non-secret default of the code reaches the container: in the ConfigMap, or wired with a password.
  for (const [name, v] of Object.entries(svc.env)) if (!v.secret && v.value !== null && !(name in config) && !seen.has(name)) add(`${name} (default ${v.value}) is neither in the ConfigMap nor in the container's env`);
  for (const [name, value] of Object.entries(config)) {
    const declared = svc.env[name];
    if (declared && declared.value === value) continue;
    // An empty password: wired to a backing service that runs without one.
    if (value === '' && declared) continue;
    const pointsAtBacking = svc.dependsOn.some((d) => d in model.backing && (value === d || value.includes(`${d}:`) || value.includes(`//${d}`) || value.includes(`@${d}`) || value.includes(`(${d}:`)));
    const isWiredScalar = /^[0-9]+$/.test(value) || /^[a-z_][a-z0-9_]*$/.test(value);
    if (name === 'PORT' && svc.port !== null) continue;
    if (!pointsAtBacking && !isWiredScalar) add(`ConfigMap ${name}=${value} is neither the code's default nor a value pointing at a backing service`);
  }
  return out;
}
