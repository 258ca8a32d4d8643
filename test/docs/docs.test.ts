/**
 * The docs stage (issue 14): the onboarding guide, the architecture diagram and the
 * operations page of a stack, rendered from its model.
 *
 * - both Mermaid diagrams are parsed by Mermaid's own parser (test/helpers/mermaid.ts) and
 *   name every service, backing service, dependsOn edge and public entry point of the
 *   model, and every environment with its namespace;
 * - the guide states the versions doctor checks, the one command, every public URL and
 *   every test target; the operations page lists every file every stage writes, each with
 *   a purpose of its own, and every Secret the manifests read;
 * - the pages link only to each other and to files the generated tree holds;
 * - the path of a change is written in one place (generators/docs/change-path.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { files as docsFiles, servicesDiagram } from '../../generators/docs/files.js';
import { nodeId, planDocs } from '../../generators/docs/plan.js';
import { planKubernetes, ENVIRONMENTS } from '../../generators/kubernetes/plan.js';
import { planStack } from '../../lib/render/compose-plan.js';
import { ENGINES, tools } from '../../lib/doctor/requirements.js';
import { GENERATED_MARKER } from '../../lib/model/marker.js';
import type { StackModel } from '../../lib/model/types.js';
import { SAMPLE_MODELS, service, stack } from '../helpers/models.js';
import { mermaidBlocks, parseFlowchart } from '../helpers/mermaid.js';
import { REPO_ROOT } from '../helpers/tree.js';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { files as dockerfileFiles } from '../../generators/dockerfile/files.js';
import { files as helmFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';

/** A service named like Mermaid keywords, with hyphens: ids must stay safe. */
const keywords = stack(
  'end',
  {
    end: service({ path: 'end', language: 'node', port: 3000, public: true, dependsOn: ['graph-db', 'subgraph'] }),
    subgraph: service({ path: 'subgraph', language: 'go', port: 8080, dependsOn: ['graph-db'] }),
  },
  { 'graph-db': { kind: 'postgres', version: '16' } },
);
const MODELS: [string, StackModel][] = [...Object.entries(SAMPLE_MODELS), ['mermaid keywords', keywords]];

const page = (model: StackModel, name: string, folder = 'docs') => docsFiles(model, folder).find((f) => f.path === `${folder}/${name}`)!.content;

describe('docs stage', () => {
  it('writes three pages under docs/, each with the generated marker near the top', () => {
    const out = docsFiles(SAMPLE_MODELS.taskboard!);
    assert.deepEqual(out.map((f) => f.path), ['docs/architecture.md', 'docs/onboarding.md', 'docs/operations.md']);
    for (const f of out) assert.ok(f.content.slice(0, 300).includes(GENERATED_MARKER), f.path);
  });

  it("Mermaid's parser rejects a broken flowchart (the check below has teeth)", async () => {
    await assert.rejects(parseFlowchart('flowchart LR\n  a["x"] --> \n  ]]]'));
    await assert.rejects(parseFlowchart('flowchart LR\n  subgraph s\n  a --> b\n'));
  });

  for (const [title, model] of MODELS) {
    describe(title, () => {
      const arch = page(model, 'architecture.md');
      const blocks = mermaidBlocks(arch);

      it('has two Mermaid flowcharts, both parsed by Mermaid', async () => {
        assert.equal(blocks.length, 2);
        for (const b of blocks) assert.equal((await parseFlowchart(b)).type, 'flowchart-v2');
      });

      it('names every service, backing service, edge and public entry point of the model', async () => {
        const d = await parseFlowchart(blocks[0]!);
        for (const [name, svc] of Object.entries(model.services)) {
          const id = nodeId('svc', name);
          assert.ok(d.vertices.has(id), `service ${name}`);
          assert.match(d.vertices.get(id)!, new RegExp(`^${name}<br/?>${svc.language} `));
          for (const dep of svc.dependsOn) {
            const to = dep in model.backing ? nodeId('bk', dep) : nodeId('svc', dep);
            assert.ok(d.edges.some((e) => e.start === id && e.end === to), `edge ${name} → ${dep}`);
          }
          const entry = d.edges.find((e) => e.start === 'users' && e.end === id);
          if (svc.public && svc.port !== null) assert.match(entry?.text ?? '', new RegExp(`http://127\\.0\\.0\\.1:${svc.port}`), `public entry of ${name}`);
          else assert.equal(entry, undefined, `${name} is not public`);
        }
        for (const [name, b] of Object.entries(model.backing)) {
          assert.match(d.vertices.get(nodeId('bk', name)) ?? '', new RegExp(`^${name}<br/?>${b.kind} ${b.version}`), `backing ${name}`);
        }
        const edges = Object.values(model.services).reduce((n, s) => n + s.dependsOn.length, 0);
        const publics = Object.values(model.services).filter((s) => s.public && s.port !== null).length;
        assert.equal(d.edges.length, edges + publics, 'no edge the model does not have');
        assert.deepEqual(new Set(d.subgraphs.get('stack')), new Set([...Object.keys(model.services).map((n) => nodeId('svc', n)), ...Object.keys(model.backing).map((n) => nodeId('bk', n))]));
      });

      it('draws the environments with their namespaces', async () => {
        const d = await parseFlowchart(blocks[1]!);
        const k8s = planKubernetes(model);
        for (const env of ENVIRONMENTS) assert.match(d.vertices.get(`env_${env}`) ?? '', new RegExp(`namespace ${k8s.environments[env].namespace}$`));
        // The ci stage writes the workflows: the CI step names them.
        assert.match(d.vertices.get('env_ci') ?? '', /workflows: .*\.github\/workflows\/ci\.yml/);
        assert.ok(d.edges.some((e) => e.start === 'env_staging' && e.end === 'env_production'));
      });

      it('the guide gives the versions doctor checks, the commands, every public URL and test target', () => {
        const guide = page(model, 'onboarding.md');
        for (const e of ENGINES) for (const t of [e.engine, e.compose]) assert.ok(guide.includes(`| ${t.minimum} |`) && guide.includes(t.label), t.label);
        for (const { tool } of tools(model)) assert.match(guide, new RegExp(`\\| ${tool.label}[^|]*\\| ${tool.minimum.replace('.', '\\.')} \\|`));
        assert.match(guide, /```sh\nmake doctor\nmake up\n```/);
        for (const [name, svc] of Object.entries(model.services)) {
          if (svc.public && svc.port !== null) assert.ok(guide.includes(`http://127.0.0.1:${svc.port}`), name);
          assert.ok(guide.includes(`\`make test-${name}\``), name);
        }
      });

      it('the operations page lists every generated file with its own purpose, and every Secret to create', () => {
        const ops = page(model, 'operations.md');
        const all = [dockerfileFiles, composeFiles, devFiles, kubernetesFiles, helmFiles].flatMap((f) => f(model)).map((f) => f.path);
        for (const p of [...all, 'docs/onboarding.md', 'docs/architecture.md', 'docs/operations.md']) assert.ok(ops.includes(`| \`${p}\` |`), p);
        assert.deepEqual(planDocs(model, 'docs').files.filter((f) => f.purpose.startsWith('written by the')).map((f) => f.path), []);
        for (const env of Object.values(planKubernetes(model).environments))
          for (const s of env.secrets) assert.ok(ops.includes(`kubectl -n ${env.namespace} create secret generic ${s.name}`), s.name);
        for (const f of planStack(model).secretFiles) assert.ok(ops.includes(`\`${f.path}\``), f.path);
      });

      it('links only to its own pages, and names only files the generated tree holds', () => {
        const tree = new Set([dockerfileFiles, composeFiles, devFiles, kubernetesFiles, helmFiles].flatMap((f) => f(model)).map((f) => f.path));
        for (const f of docsFiles(model, 'docs/containerize')) {
          for (const m of f.content.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) assert.ok(['onboarding.md', 'architecture.md', 'operations.md'].includes(m[1]!), `${f.path}: ${m[1]}`);
          for (const m of f.content.matchAll(/\b((?:deploy|secrets)\/[\w./-]+\.(?:sh|md))\b/g)) assert.ok(tree.has(m[1]!), `${f.path}: ${m[1]}`);
        }
      });
    });
  }

  it('anchors the architecture page links to a heading that exists', () => {
    const guide = page(SAMPLE_MODELS.taskboard!, 'onboarding.md');
    const arch = page(SAMPLE_MODELS.taskboard!, 'architecture.md');
    const ops = page(SAMPLE_MODELS.taskboard!, 'operations.md');
    assert.match(arch, /^## Environments$/m);
    assert.match(guide, /^## 5\. How a change goes from dev to production$/m);
    assert.match(ops, /^## Deploy and roll back$/m);
  });

  it('keeps the path of a change in one place: generators/docs/change-path.ts', () => {
    const dir = join(REPO_ROOT, 'generators', 'docs');
    const sources = [...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)), ...readdirSync(join(dir, 'templates')).map((f) => join(dir, 'templates', f))];
    const holders = sources.filter((f) => /to be generated by the (ci|cd) stage|deploy\.sh staging --tag/.test(readFileSync(f, 'utf8'))).map((f) => f.slice(dir.length + 1));
    assert.deepEqual(holders.filter((f) => f !== 'templates/operations.md.ejs'), ['change-path.ts']);
  });

  it('quotes every label: a name Mermaid would read as a keyword stays a node', async () => {
    const d = await parseFlowchart(servicesDiagram(planDocs(keywords, 'docs')));
    assert.ok(d.vertices.has('svc_end') && d.vertices.has('svc_subgraph') && d.vertices.has('bk_graph_db'));
  });
});
