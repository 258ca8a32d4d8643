/**
 * A checklist stage (dockerfile, compose, dev, ...): run alone it acquires the
 * model like `app` does; composed by `app` it reads the model `app` stored.
 * Either way its only job is `render(model)`: a pure function from the stack
 * model to the files this stage owns.
 */
import type { StackModel } from '../model/types.js';
import type { OutputFile } from '../render/types.js';
import { ContainerizeGenerator } from './base.js';

export abstract class StageGenerator extends ContainerizeGenerator {
  /** Stage name, as shown in the summary. */
  abstract readonly stage: string;
  /** The files this stage owns, rendered from the model. Pure: same model, same bytes. */
  abstract render(model: StackModel): OutputFile[];

  initializing() {
    if (this.isRoot) this.acquireInitializing();
  }

  async prompting() {
    if (this.isRoot) await this.acquirePrompting();
  }

  configuring() {
    if (this.isRoot) this.acquireConfiguring();
  }

  writing() {
    const files = this.render(this.loadModel());
    this.writeStage(this.stage, files);
  }

  async transform() {
    if (this.isRoot) await this.planRun();
  }

  end() {
    if (this.isRoot) this.printSummary();
  }
}

/**
 * A stage generator class from its name, its one-line description and its
 * pure `files(model)` function: a stage's generator.ts is just this call.
 */
export function defineStage(stage: string, description: string, files: (model: StackModel) => OutputFile[]) {
  return class extends StageGenerator {
    readonly stage = stage;

    constructor(args: string[], options: any) {
      super(args, options);
      this.description = description;
    }

    render(model: StackModel) {
      return files(model);
    }
  };
}
