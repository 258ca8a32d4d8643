/**
 * What the rendered NetworkPolicies let in from other namespaces, for the
 * ingress-controller tests of both renderers (test/helm/chart.test.ts,
 * test/kubernetes/manifests.test.ts).
 */
import { selects, type K8sObject } from '../../lib/validate/k8s.js';

/**
 * The peers with a namespaceSelector (or an ipBlock) that may reach the pods of
 * `component`, over every policy selecting them, as sorted lines
 * `ns=<namespace> pods=<k=v,...> port=<port>` (`pods=*` when the peer has no
 * podSelector, `cidr=<cidr>` for an ipBlock).
 */
export function admittedFromOutside(docs: K8sObject[], component: string): string[] {
  const pod = docs.find((d) => (d.kind === 'Deployment' || d.kind === 'StatefulSet') && (d.spec as any).template.metadata.labels['app.kubernetes.io/component'] === component);
  if (!pod) throw new Error(`no workload of component ${component}`);
  const labels = (pod.spec as any).template.metadata.labels as Record<string, string>;
  const out: string[] = [];
  for (const np of docs.filter((d) => d.kind === 'NetworkPolicy')) {
    const spec = np.spec as any;
    if (!selects(spec.podSelector, labels)) continue;
    for (const rule of spec.ingress ?? [])
      for (const peer of rule.from ?? []) {
        let who: string;
        if (peer.ipBlock) who = `cidr=${peer.ipBlock.cidr}`;
        else if (peer.namespaceSelector) {
          const ns = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? JSON.stringify(peer.namespaceSelector);
          const pods = peer.podSelector ? Object.entries(peer.podSelector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(',') : '*';
          who = `ns=${ns} pods=${pods}`;
        } else continue;
        for (const p of rule.ports ?? [{}]) out.push(`${who} port=${p.port ?? '*'}`);
      }
  }
  return out.sort();
}
