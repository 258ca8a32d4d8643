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
    // Loaded in parallel, composed in order: the order is the checklist's.
    const loaded = await Promise.all(STAGES.map(async (stage) => ({ Generator: (await stage.load()).default, path: stage.path })));
    for (const stage of loaded) await this.composeWith(stage, passthrough as any);
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
