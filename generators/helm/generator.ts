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
    this.description = 'Writes deploy/helm/<app>/: one chart for the whole app, a values section per service,';
  }

  render(model: StackModel) {
    return files(model);
  }
}
