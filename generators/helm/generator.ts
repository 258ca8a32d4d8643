/**
 * `yo containerize:helm`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class HelmGenerator extends StageGenerator {
  readonly stage = 'helm';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write the Helm chart for the whole app.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
