/**
 * A checklist stage (dockerfile, compose, dev, ...): run alone it acquires the
 * model like `app` does; composed by `app` it reads the model `app` stored.
 * Either way its only job is `render(model)`: a pure function from the stack
 * model to the files this stage owns.
 */
import type { StackModel } from '../model/types.js';
import type { OutputFile, StageCheck } from '../render/types.js';
import { OutputError } from '../validate/outputs.js';
import { ContainerizeGenerator } from './base.js';

/** A stage failed on a model the model validator accepted: a bug of ours, reported in one paragraph. */
export class RenderError extends Error {
  constructor(stage: string, cause: unknown) {
    const first = (cause instanceof Error ? cause.message : String(cause)).split('\n').find((l) => l.trim()) ?? 'unknown error';
    super(
      `The ${stage} stage could not render this model (${first.trim().slice(0, 200)}). Nothing was written. ` +
        'This is a bug of generator-containerize: please report it with your .yo-rc.json (run with DEBUG=1 for the details).',
    );
    this.name = 'RenderError';
    this.cause = cause;
  }
}

export abstract class StageGenerator extends ContainerizeGenerator {
  /** Stage name, as shown in the summary. */
  abstract readonly stage: string;
  /** The files this stage owns, rendered from the model. Pure: same model, same bytes. */
  abstract render(model: StackModel): OutputFile[];
  /** The stage's own check of its render (none by default): its problems stop the run before anything is written. */
  check(_model: StackModel, _files: OutputFile[]): string[] {
    return [];
  }

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
    const model = this.loadModel();
    let files: OutputFile[];
    try {
      files = this.render(model);
    } catch (error) {
      // The model validator accepted this model, so every stage must render it: a failure here is
      // our bug. Say so in one paragraph; the stack is for DEBUG=1, never for the user's screen.
      throw error instanceof OutputError ? error : new RenderError(this.stage, error);
    }
    // Validation is a step of the run, declared by the stage: render, check, then write.
    const problems = this.check(model, files);
    if (problems.length) throw new OutputError(problems);
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
 * A stage generator class from its name, its one-line description, its pure `files(model)`
 * function and, optionally, its own check of what it rendered: a stage's generator.ts is
 * just this call.
 */
export function defineStage(stage: string, description: string, files: (model: StackModel) => OutputFile[], stageCheck?: StageCheck) {
  return class extends StageGenerator {
    readonly stage = stage;

    constructor(args: string[], options: any) {
      super(args, options);
      this.description = description;
    }

    render(model: StackModel) {
      return files(model);
    }

    check(model: StackModel, out: OutputFile[]) {
      return stageCheck ? stageCheck(model, out) : [];
    }
  };
}
