// Freezes a parsed claims set all the way down without recursion: a signed
// payload may nest arrays or objects tens of thousands deep (JSON.parse itself
// does not recurse), and a recursive freeze would throw an untyped RangeError.

/** Freezes `root` and every object and array reachable from it. */
export function deepFreeze<T>(root: T): T {
  if (typeof root !== 'object' || root === null) return root;
  const pending: object[] = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    Object.freeze(next);
    for (const value of Object.values(next)) {
      if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) pending.push(value);
    }
  }
  return root;
}
