/**
 * The run loop of the generators that settle the model and then run every
 * stage (`app`, `service`): subclasses decide in `initializing` what goes into
 * the model and call `composeStages()`; the rest is shared.
 */
import { ContainerizeGenerator } from '../../lib/generator/base.js';
import { STAGES } from './stages.js';

export abstract class OrchestratorGenerator extends ContainerizeGenerator {
  /**
   * Compose every stage, in checklist order. They run their `writing` after
   * this generator's `configuring` has stored the model in .yo-rc.json.
   */
  protected async composeStages(): Promise<void> {
    const passthrough = { ...this.options, composed: true };
    for (const stage of STAGES) await this.composeWith({ Generator: stage.Generator, path: stage.path }, passthrough as any);
  }

  async prompting() {
    await this.acquirePrompting();
  }

  configuring() {
    this.acquireConfiguring();
  }

  async transform() {
    await this.planRun();
  }

  end() {
    this.printSummary();
  }
}
