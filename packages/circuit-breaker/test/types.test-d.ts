import { expectTypeOf, test } from 'vitest';
import {
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerChannelMessages,
  type CircuitBreakerError,
  type CircuitBreakerErrorCode,
  type CircuitBreakerStats,
  type channelNames,
} from '../src/index.js';
import { OpossumBreaker } from '../src/opossum.js';

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

test('an error code narrows in a switch, and the union lists exactly the codes', () => {
  const error = {} as CircuitBreakerError;
  expectTypeOf(error.code).toEqualTypeOf<CircuitBreakerErrorCode>();
  switch (error.code) {
    case 'PERF_CIRCUIT_BREAKER_OPEN':
    case 'PERF_CIRCUIT_BREAKER_TIMEOUT':
    case 'PERF_CIRCUIT_BREAKER_BULKHEAD_FULL':
    case 'PERF_CIRCUIT_BREAKER_CLOSED':
    case 'PERF_CIRCUIT_BREAKER_INVALID_OPTION':
      break;
    default:
      expectTypeOf(error.code).toBeNever();
  }
  // @ts-expect-error the old prefix is gone
  if (error.code === 'PERF_BREAKER_OPEN') void error;
});

test('every channel has a message type with the breaker name', () => {
  expectTypeOf<keyof CircuitBreakerChannelMessages>().toEqualTypeOf<keyof typeof channelNames>();
  expectTypeOf<CircuitBreakerChannelMessages[keyof CircuitBreakerChannelMessages]>().toExtend<{
    readonly name: string;
  }>();
  expectTypeOf<(typeof channelNames)['state']>().toEqualTypeOf<'perf:circuit-breaker:state'>();
});

test('stats() says rejected, never rejections', () => {
  expectTypeOf(new CircuitBreaker().stats()).toEqualTypeOf<CircuitBreakerStats>();
  expectTypeOf<CircuitBreakerStats['rejected']>().toEqualTypeOf<number>();
  expectTypeOf<CircuitBreakerStats['name']>().toEqualTypeOf<string>();
  expectTypeOf<CircuitBreakerStats>().not.toHaveProperty('rejections');
});

test('the opossum adapter types fire() from the action', () => {
  const breaker = new OpossumBreaker(async (id: number, name: string) => ({ id, name }));
  expectTypeOf(breaker.fire(1, 'a')).toEqualTypeOf<Promise<{ id: number; name: string }>>();
  // @ts-expect-error wrong argument types
  void breaker.fire('1', 'a');
});
