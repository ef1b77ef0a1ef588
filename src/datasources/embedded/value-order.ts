/**
 * MongoDB's order of values, across types: null and missing first, then numbers,
 * strings, objects, arrays, booleans and dates (the types this service stores).
 */
function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (value instanceof Date) return 6;
  if (Array.isArray(value)) return 4;
  if (typeof value === 'boolean') return 5;
  return 3;
}

export function compareValues(a: unknown, b: unknown): number {
  // Two values of one type first: what index keys and sort keys nearly always are.
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return (a as number) - (b as number);
    case 2:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 5:
      return Number(a) - Number(b);
    case 6:
      return (a as Date).getTime() - (b as Date).getTime();
    default:
      // Objects and arrays are never index bounds here; a stable order is enough.
      return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
  }
}

/** The value at a dotted path, or undefined. */
export function valueAt(doc: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
