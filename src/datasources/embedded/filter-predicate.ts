import type { Filter } from '../documents.js';

type Doc = Readonly<Record<string, unknown>>;
export type Predicate = (doc: Doc) => boolean;

type Scalar = string | number | boolean | null | Date;

const isScalar = (value: unknown): value is Scalar =>
  value === null || value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value);

/**
 * The values a path reaches, as MongoDB matches them: through arrays of subdocuments, and
 * at the end an array counts both as itself and as each of its elements. A missing field
 * is `undefined`.
 */
function valuesAt(doc: unknown, parts: readonly string[], from = 0, into: unknown[] = []): unknown[] {
  let value: unknown = doc;
  for (let i = from; i < parts.length; i++) {
    if (Array.isArray(value)) {
      for (const element of value) if (isPlainObject(element)) valuesAt(element, parts, i, into);
      return into;
    }
    if (!isPlainObject(value)) {
      into.push(undefined);
      return into;
    }
    value = value[parts[i]!];
  }
  into.push(value);
  if (Array.isArray(value)) into.push(...value);
  return into;
}

function equal(value: unknown, wanted: Scalar): boolean {
  if (wanted === null) return value === null || value === undefined;
  if (wanted instanceof Date) return value instanceof Date && value.getTime() === wanted.getTime();
  return value === wanted;
}

/** MongoDB compares only within a type: numbers with numbers, strings with strings, dates with dates. */
function order(value: unknown, bound: number | string | Date): number | null {
  if (bound instanceof Date) return value instanceof Date ? value.getTime() - bound.getTime() : null;
  if (typeof bound === 'number') return typeof value === 'number' ? value - bound : null;
  if (typeof value !== 'string') return null;
  return value < bound ? -1 : value > bound ? 1 : 0;
}

const isBound = (value: unknown): value is number | string | Date => typeof value === 'number' || typeof value === 'string' || value instanceof Date;

type ValuesTest = (values: unknown[]) => boolean;

/** One operator on the values at a path; null when the operator or its argument is not one handled here. */
function operatorTest(operator: string, argument: unknown): ValuesTest | null {
  const any = (test: (value: unknown) => boolean): ValuesTest => (values) => values.some(test);
  switch (operator) {
    case '$eq':
      return isScalar(argument) ? any((value) => equal(value, argument)) : null;
    case '$ne':
      return isScalar(argument) ? (values) => !values.some((value) => equal(value, argument)) : null;
    case '$in':
    case '$nin': {
      if (!Array.isArray(argument) || !argument.every(isScalar)) return null;
      const inSet: ValuesTest = (values) => values.some((value) => argument.some((wanted) => equal(value, wanted)));
      return operator === '$in' ? inSet : (values) => !inSet(values);
    }
    case '$all':
      if (!Array.isArray(argument) || argument.length === 0 || !argument.every(isScalar)) return null;
      // On an array field only, as mingo reads it (MongoDB would also match a scalar field).
      return (values) => values.some(Array.isArray) && argument.every((wanted) => values.some((value) => equal(value, wanted)));
    case '$exists':
      if (typeof argument !== 'boolean') return null;
      return (values) => values.some((value) => value !== undefined) === argument;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (!isBound(argument)) return null;
      const holds =
        operator === '$gt' ? (o: number) => o > 0 : operator === '$gte' ? (o: number) => o >= 0 : operator === '$lt' ? (o: number) => o < 0 : (o: number) => o <= 0;
      return any((value) => {
        const o = order(value, argument);
        return o !== null && holds(o);
      });
    }
    default:
      return null;
  }
}

function conditionTest(condition: unknown): ValuesTest | null {
  if (isScalar(condition)) return (values) => values.some((value) => equal(value, condition));
  if (!isPlainObject(condition)) return null;
  const operators = Object.entries(condition);
  if (operators.length === 0 || !operators.every(([key]) => key.startsWith('$'))) return null;
  const tests: ValuesTest[] = [];
  for (const [operator, argument] of operators) {
    const test = operatorTest(operator, argument);
    if (!test) return null;
    tests.push(test);
  }
  return tests.length === 1 ? tests[0]! : (values) => tests.every((test) => test(values));
}

/**
 * A plain function for the filters the repositories write — equality, comparisons, `$in`,
 * `$nin`, `$ne`, `$all`, `$exists`, `$and`, `$or`, dotted paths — with MongoDB's meaning
 * (arrays match by element, null matches a missing field, comparisons stay within a
 * type). Null for any other filter, which mingo then decides. Building mingo's Query for
 * each lookup cost more than the lookup itself.
 */
export function compileFilter(filter: Filter): Predicate | null {
  const parts: Predicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) return null;
      const branches: Predicate[] = [];
      for (const branch of condition) {
        const compiled = isPlainObject(branch) ? compileFilter(branch) : null;
        if (!compiled) return null;
        branches.push(compiled);
      }
      parts.push(key === '$and' ? (doc) => branches.every((branch) => branch(doc)) : (doc) => branches.some((branch) => branch(doc)));
      continue;
    }
    if (key.startsWith('$')) return null;
    const test = conditionTest(condition);
    if (!test) return null;
    const path = key.split('.');
    parts.push(path.length === 1 ? (doc) => test(valuesAtTop(doc, key)) : (doc) => test(valuesAt(doc, path)));
  }
  if (parts.length === 1) return parts[0]!;
  return (doc) => parts.every((part) => part(doc));
}

/** `valuesAt` for a top-level field, without the path walk. */
function valuesAtTop(doc: Doc, field: string): unknown[] {
  const value = doc[field];
  return Array.isArray(value) ? [value, ...value] : [value];
}
