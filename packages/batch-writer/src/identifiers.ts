// SQL identifiers and type names come from the developer, not from items, but
// are still quoted and checked: a typo fails at construction, not mid-batch.
import { InvalidOptionError } from './errors.js';

/** Quotes a possibly schema-qualified name: `app.events` → `"app"."events"`. */
export function quoteName(option: string, name: string): string {
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError(option, 'expected a non-empty name');
  return name
    .split('.')
    .map((part) => {
      if (part === '') throw new InvalidOptionError(option, `"${name}" has an empty part`);
      return `"${part.replaceAll('"', '""')}"`;
    })
    .join('.');
}

/** The idempotency key as a list of columns, each of which must be written. */
export function keyColumns(key: string | readonly string[], columns: readonly string[]): readonly string[] {
  const list = typeof key === 'string' ? [key] : key;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidOptionError('idempotencyKey', 'expected the column(s) of a unique key of each item');
  }
  for (const column of list) {
    if (!columns.includes(column)) {
      throw new InvalidOptionError('idempotencyKey', `"${column}" is not one of the columns (${columns.join(', ')})`);
    }
  }
  return list;
}
