// A SecondLevel in memory, shared by the caches given it: the interface a user
// may implement, without Redis, for the tests about what the cache publishes.
// `down` makes every call fail, a fault a test then names as fake.
import type { InvalidationMessage, SecondLevel, SecondLevelEvents, StoredValue } from '../src/index.js';

export interface MemoryLevel {
  /** One SecondLevel per cache instance, all on the same store and bus. */
  connect(): SecondLevel;
  /** Every call fails while true. */
  down: boolean;
  /** Tells every instance the bus is back after a loss (what RedisTier does on resubscribing). */
  restoreBus(): void;
}

export function memoryLevel(): MemoryLevel {
  const values = new Map<string, StoredValue>();
  const subscribers: { listener: (m: InvalidationMessage) => void; events: SecondLevelEvents | undefined }[] = [];
  const state = {
    down: false,
    connect(): SecondLevel {
      const up = async (): Promise<void> => {
        if (state.down) throw new Error('memory level down');
      };
      return {
        get: async (key) => {
          await up();
          return values.get(key);
        },
        set: async (key, value) => {
          await up();
          values.set(key, value);
        },
        delete: async (keys) => {
          await up();
          for (const key of keys) values.delete(key);
        },
        invalidateTag: async (tag) => {
          await up();
          for (const [key, value] of values) if (value.tags?.includes(tag)) values.delete(key);
        },
        clear: async () => {
          await up();
          values.clear();
        },
        publish: async (message) => {
          await up();
          for (const s of subscribers) s.listener(message);
        },
        subscribe: (listener, events) => {
          subscribers.push({ listener, events });
        },
        acquireLock: async () => {
          await up();
          return true;
        },
        releaseLock: up,
        close: async () => {},
      };
    },
    restoreBus(): void {
      for (const s of subscribers) s.events?.busRestored?.();
    },
  };
  return state;
}
