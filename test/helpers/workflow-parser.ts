/**
 * GitHub's own workflow parser (@actions/workflow-parser, the one behind the Actions
 * language server), used by tests next to actionlint. Its modules import JSON without
 * an import attribute, which Node 20 refuses; tsx's loader hook (how tests run) loads
 * them. See docs/development.md.
 */
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

/** The parser's errors for a workflow, as messages; empty when GitHub would accept it. */
export function workflowParserErrors(path: string, content: string): string[] {
  const result = parseWorkflow({ name: path, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}
