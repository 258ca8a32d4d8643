/**
 * A stage's `files(model)` is pure (same model, same bytes), and the docs stage renders every
 * other stage again to list and describe their files: at 500 services that second rendering
 * was a fifth of a run. `memoByModel` keeps the last result per stage, keyed by the model's
 * JSON, and hands out copies, so no caller sees another's changes.
 */
import type { StackModel } from '../model/types.js';
import type { OutputFile } from './types.js';

export function memoByModel(render: (model: StackModel) => OutputFile[]): (model: StackModel) => OutputFile[] {
  let last: { key: string; files: OutputFile[] } | undefined;
  return (model) => {
    const key = JSON.stringify(model);
    if (last?.key !== key) last = { key, files: render(model) };
    return last.files.map((f) => ({ ...f }));
  };
}
