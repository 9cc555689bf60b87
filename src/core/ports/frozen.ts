/**
 * Deep freezing of decoded state values (decoded-documents.ts): values handed out are shared by
 * every reader, so neither their fields nor their Dates may change.
 */

/** A Date whose setters throw: a frozen object's own fields cannot change, but a Date's time is no field. */
class FrozenDate extends Date {
  static {
    for (const name of Object.getOwnPropertyNames(Date.prototype))
      if (name.startsWith('set'))
        Object.defineProperty(FrozenDate.prototype, name, {
          value(): never {
            throw new TypeError(`a state document's value is shared and frozen: ${name} of one of its dates`);
          },
        });
  }
}

/** `value` with every object and array frozen and every Date a FrozenDate (in place: it was just decoded, nobody else has it). */
export function frozen<T>(value: T): T {
  if (value instanceof Date) return Object.freeze(new FrozenDate(value.getTime())) as T;
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) fields[key] = frozen(fields[key]);
  return Object.freeze(value);
}
