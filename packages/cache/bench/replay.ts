// Replays of a trace through the in-process policies: lru-cache, and this
// package's Cache with policy 'tinylfu' through its public API (get, then set
// on a miss: what a caller does).
import { LRUCache } from 'lru-cache';
import { Cache } from '../src/index.js';
import type { Trace } from './trace.js';

/** String keys for ids, made once per id and shared by every replay. */
const names: string[] = [];
export function keyName(id: number): string {
  let s = names[id];
  if (s === undefined) {
    s = `key:${id}`;
    names[id] = s;
  }
  return s;
}

export function lruHitRatio(trace: Trace): number {
  const lru = new LRUCache<string, number>({ max: trace.cacheSize });
  let hits = 0;
  for (const id of trace.keys) {
    const key = keyName(id);
    if (lru.get(key) !== undefined) hits++;
    else lru.set(key, id);
  }
  return hits / trace.keys.length;
}

export function tinyLfuHitRatio(trace: Trace): number {
  const cache = new Cache<number>({ max: trace.cacheSize, policy: 'tinylfu' });
  let hits = 0;
  for (const id of trace.keys) {
    const key = keyName(id);
    if (cache.get(key) !== undefined) hits++;
    else void cache.set(key, id);
  }
  return hits / trace.keys.length;
}
