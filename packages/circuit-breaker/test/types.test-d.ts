import { expectTypeOf, test } from 'vitest';
import { type BreakerState, CircuitBreaker, OpossumBreaker } from '../src/index.js';

test('execute keeps the result type and adds the fallback type', () => {
  const breaker = new CircuitBreaker();
  expectTypeOf(breaker.execute(async () => 1)).toEqualTypeOf<Promise<number>>();
  expectTypeOf(breaker.execute(async () => 1, { fallback: () => 'cached' })).toEqualTypeOf<Promise<number | string>>();
  expectTypeOf(breaker.execute(async (signal) => signal)).toEqualTypeOf<Promise<AbortSignal>>();
});

test('the state narrows on kind', () => {
  const state = {} as BreakerState;
  if (state.kind === 'open') expectTypeOf(state.retryAt).toEqualTypeOf<number>();
  // @ts-expect-error retryAt only exists on the open state
  if (state.kind === 'closed') void state.retryAt;
});

test('the opossum adapter types fire() from the action', () => {
  const breaker = new OpossumBreaker(async (id: number, name: string) => ({ id, name }));
  expectTypeOf(breaker.fire(1, 'a')).toEqualTypeOf<Promise<{ id: number; name: string }>>();
  // @ts-expect-error wrong argument types
  void breaker.fire('1', 'a');
});
