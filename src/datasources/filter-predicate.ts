import type { Filter } from './documents.js';

type Doc = Readonly<Record<string, unknown>>;
export type Predicate = (doc: Doc) => boolean;

type Scalar = string | number | boolean | null | Date;

const isScalar = (value: unknown): value is Scalar =>
  value === null || value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value);

type ValueTest = (value: unknown) => boolean;

/**
 * Whether any value a path reaches in a document passes a test, as MongoDB matches: through
 * arrays of subdocuments, and at the end an array counts both as itself and as each of its
 * elements. A missing field is `undefined`. Nothing is collected on the way: a predicate
 * runs once per candidate document.
 */
type Reach = (doc: Doc, test: ValueTest) => boolean;

function reachesEnd(value: unknown, test: ValueTest): boolean {
  if (test(value)) return true;
  if (!Array.isArray(value)) return false;
  for (const element of value) if (test(element)) return true;
  return false;
}

function reachesFrom(value: unknown, parts: readonly string[], from: number, test: ValueTest): boolean {
  for (let i = from; i < parts.length; i++) {
    if (Array.isArray(value)) {
      for (const element of value) if (isPlainObject(element) && reachesFrom(element, parts, i, test)) return true;
      return false;
    }
    if (!isPlainObject(value)) return test(undefined);
    value = value[parts[i]!];
  }
  return reachesEnd(value, test);
}

function reachOf(path: string): Reach {
  if (!path.includes('.')) return (doc, test) => reachesEnd(doc[path], test);
  const parts = path.split('.');
  return (doc, test) => reachesFrom(doc, parts, 0, test);
}

function equalTo(wanted: Scalar): ValueTest {
  if (wanted === null) return (value) => value === null || value === undefined;
  if (wanted instanceof Date) {
    const time = wanted.getTime();
    return (value) => value instanceof Date && value.getTime() === time;
  }
  return (value) => value === wanted;
}

/** `equalTo` any of `wanted`, by set lookups rather than one comparison each. */
function memberOf(wanted: readonly Scalar[]): ValueTest {
  if (wanted.length === 1) return equalTo(wanted[0]!);
  const plain = new Set<unknown>();
  const times = new Set<number>();
  let withNull = false;
  for (const value of wanted) {
    if (value === null) withNull = true;
    else if (value instanceof Date) times.add(value.getTime());
    else plain.add(value);
  }
  // A Set finds NaN, which `===` (the meaning of a match here) never equals.
  plain.delete(Number.NaN);
  times.delete(Number.NaN);
  return (value) => {
    if (value === null || value === undefined) return withNull;
    if (value instanceof Date) return times.has(value.getTime());
    return plain.has(value);
  };
}

const isDefined: ValueTest = (value) => value !== undefined;

const HOLDS: Record<string, (order: number) => boolean> = {
  $gt: (order) => order > 0,
  $gte: (order) => order >= 0,
  $lt: (order) => order < 0,
  $lte: (order) => order <= 0,
};

/** MongoDB compares only within a type: numbers with numbers, strings with strings, dates with dates. */
function comparedTo(bound: number | string | Date, holds: (order: number) => boolean): ValueTest {
  if (bound instanceof Date) {
    const time = bound.getTime();
    return (value) => value instanceof Date && holds(value.getTime() - time);
  }
  if (typeof bound === 'number') return (value) => typeof value === 'number' && holds(value - bound);
  return (value) => typeof value === 'string' && holds(value < bound ? -1 : value > bound ? 1 : 0);
}

const isBound = (value: unknown): value is number | string | Date => typeof value === 'number' || typeof value === 'string' || value instanceof Date;

/** One operator on the values at a path; null when the operator or its argument is not one handled here. */
function operatorTest(operator: string, argument: unknown, reach: Reach): Predicate | null {
  switch (operator) {
    case '$eq':
    case '$ne': {
      if (!isScalar(argument)) return null;
      const test = equalTo(argument);
      return operator === '$eq' ? (doc) => reach(doc, test) : (doc) => !reach(doc, test);
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(argument) || !argument.every(isScalar)) return null;
      if (argument.length === 0) return operator === '$in' ? () => false : () => true;
      const test = memberOf(argument);
      return operator === '$in' ? (doc) => reach(doc, test) : (doc) => !reach(doc, test);
    }
    case '$all': {
      if (!Array.isArray(argument) || argument.length === 0 || !argument.every(isScalar)) return null;
      const tests = argument.map(equalTo);
      // On an array field only, as mingo reads it (MongoDB would also match a scalar field).
      return (doc) => {
        if (!reach(doc, Array.isArray)) return false;
        for (const test of tests) if (!reach(doc, test)) return false;
        return true;
      };
    }
    case '$exists':
      if (typeof argument !== 'boolean') return null;
      return (doc) => reach(doc, isDefined) === argument;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (!isBound(argument)) return null;
      const test = comparedTo(argument, HOLDS[operator]!);
      return (doc) => reach(doc, test);
    }
    default:
      return null;
  }
}

function conditionTest(condition: unknown, reach: Reach): Predicate | null {
  if (isScalar(condition)) {
    const test = equalTo(condition);
    return (doc) => reach(doc, test);
  }
  if (!isPlainObject(condition)) return null;
  const operators = Object.entries(condition);
  if (operators.length === 0 || !operators.every(([key]) => key.startsWith('$'))) return null;
  const tests: Predicate[] = [];
  for (const [operator, argument] of operators) {
    const test = operatorTest(operator, argument, reach);
    if (!test) return null;
    tests.push(test);
  }
  return allOf(tests);
}

function allOf(parts: readonly Predicate[]): Predicate {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [first, second] = parts as [Predicate, Predicate];
    return (doc) => first(doc) && second(doc);
  }
  return (doc) => {
    for (const part of parts) if (!part(doc)) return false;
    return true;
  };
}

function anyOf(parts: readonly Predicate[]): Predicate {
  if (parts.length === 1) return parts[0]!;
  return (doc) => {
    for (const part of parts) if (part(doc)) return true;
    return false;
  };
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
      parts.push(key === '$and' ? allOf(branches) : anyOf(branches));
      continue;
    }
    if (key.startsWith('$')) return null;
    const test = conditionTest(condition, reachOf(key));
    if (!test) return null;
    parts.push(test);
  }
  return parts.length === 0 ? () => true : allOf(parts);
}
