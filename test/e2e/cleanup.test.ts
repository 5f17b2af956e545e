import { describe, expect, it } from 'vitest';
import { Cleanup } from './cleanup.js';

describe('Cleanup', () => {
  it('runs every step, last added first, even when one fails, then throws that failure', async () => {
    const ran: string[] = [];
    const cleanup = new Cleanup();
    cleanup.add(() => ran.push('server'));
    cleanup.add(async () => {
      ran.push('browser');
      throw new Error('browser would not close');
    });
    cleanup.add(() => ran.push('context'));
    await expect(cleanup.run()).rejects.toThrow('browser would not close');
    expect(ran).toEqual(['context', 'browser', 'server']);
  });

  it('runs its steps once', async () => {
    let runs = 0;
    const cleanup = new Cleanup();
    cleanup.add(() => {
      runs += 1;
    });
    await cleanup.run();
    await cleanup.run();
    expect(runs).toBe(1);
  });

  it('gathers several failures into one error', async () => {
    const cleanup = new Cleanup();
    cleanup.add(() => Promise.reject(new Error('one')));
    cleanup.add(() => Promise.reject(new Error('two')));
    const error = await cleanup.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['two', 'one']);
  });

  it('after a failure, closes everything and throws the failure itself', async () => {
    let closed = false;
    const cleanup = new Cleanup();
    cleanup.add(() => {
      closed = true;
    });
    const failure = new Error('the step failed');
    await expect(cleanup.runAfter(failure)).rejects.toBe(failure);
    expect(closed).toBe(true);
  });

  it('after a failure, keeps it beside a failure to close', async () => {
    const cleanup = new Cleanup();
    cleanup.add(() => Promise.reject(new Error('could not close')));
    const failure = new Error('the step failed');
    const error = await cleanup.runAfter(failure).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([failure, new Error('could not close')]);
  });
});
