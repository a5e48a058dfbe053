// What crosses the pipe to the slice must be plain JSON: objects with the plain prototype, arrays, strings,
// finite numbers, booleans and null (`undefined` object properties are allowed: JSON drops them). Pure.

/** Path of the first value that is not plain JSON (e.g. `$.contracts.orders.document.when`), else undefined. */
export function firstNonJson(value: unknown, path = '$'): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : path;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const bad = firstNonJson(value[i], `${path}[${i}]`);
          if (bad !== undefined) return bad;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return path;
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const bad = firstNonJson(v, `${path}.${k}`);
        if (bad !== undefined) return bad;
      }
      return undefined;
    }
    default:
      return path;
  }
}
