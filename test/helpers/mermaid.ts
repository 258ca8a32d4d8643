/**
 * Mermaid's own parser, in Node. `mermaid.parse` runs the same jison flowchart grammar and
 * FlowDB as the renderer GitHub uses, but sanitises labels with DOMPurify, which needs a
 * DOM: jsdom gives it one (no browser, no layout: parsing only). Pinned exactly in
 * devDependencies; docs/development.md says why.
 */
import { JSDOM } from 'jsdom';

export interface ParsedFlowchart {
  type: string;
  /** Node id → its label text. */
  vertices: Map<string, string>;
  /** [from, to, label] per edge. */
  edges: { start: string; end: string; text: string }[];
  /** Subgraph id → node ids in it. */
  subgraphs: Map<string, string[]>;
}

let loaded: Promise<any> | undefined;

function load(): Promise<any> {
  if (!loaded) {
    const g = globalThis as any;
    if (!g.window) {
      const { window } = new JSDOM('');
      g.window = window;
      g.document = window.document;
    }
    loaded = import('mermaid').then((m) => m.default);
  }
  return loaded;
}

/** Parse a flowchart with Mermaid; throws Mermaid's own error when the text is not valid. */
export async function parseFlowchart(text: string): Promise<ParsedFlowchart> {
  const mermaid = await load();
  await mermaid.parse(text); // throws on a syntax error
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const vertices = new Map<string, string>();
  for (const [id, v] of db.getVertices() as Map<string, { text?: string }>) vertices.set(id, String(v.text ?? id));
  const edges = (db.getEdges() as { start: string; end: string; text?: string }[]).map((e) => ({ start: e.start, end: e.end, text: String(e.text ?? '') }));
  const subgraphs = new Map<string, string[]>();
  for (const s of db.getSubGraphs() as { id: string; nodes: string[] }[]) subgraphs.set(s.id, s.nodes);
  return { type: diagram.type, vertices, edges, subgraphs };
}

/** The ```mermaid blocks of a markdown page, in order. */
export const mermaidBlocks = (markdown: string): string[] => [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
