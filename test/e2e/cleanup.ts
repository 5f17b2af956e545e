/**
 * Close steps for what a test or script opened (server, store, browser, browser context): they
 * run last-added first, each one even when another failed, so a failing step leaks nothing.
 */
export class Cleanup {
  readonly #steps: Array<() => unknown> = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Runs every step once (a second call does nothing); throws what failed. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} close steps failed`);
  }

  /** Runs every step after `failure`, then throws `failure` (with any close failure beside it). */
  async runAfter(failure: unknown): Promise<never> {
    try {
      await this.run();
    } catch (closeFailure) {
      throw new AggregateError([failure, closeFailure], 'a step failed, and so did closing what it opened');
    }
    throw failure;
  }
}
