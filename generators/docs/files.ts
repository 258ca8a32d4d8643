/**
 * The files the docs stage owns, as a pure function of the stack model.
 * Not generated yet: planned in a later issue. Rendering nothing keeps composition
 * and the model hand-off real while the stage is built.
 */
import type { StackModel } from '../../lib/model/types.js';
import type { OutputFile } from '../../lib/render/types.js';

export function files(_model: StackModel): OutputFile[] {
  return [];
}
