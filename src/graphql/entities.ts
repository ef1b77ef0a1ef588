import { GraphQLUnionType, type GraphQLSchema } from 'graphql';
import { idProblem } from '../domain/ids.js';
import { BadUserInputError } from '../errors.js';

/** Why a representation cannot name one of our entities, or null when it can. */
function representationProblem(representation: unknown, index: number, entityTypes: ReadonlySet<string>): BadUserInputError | null {
  const at = `representations[${index}]`;
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return new BadUserInputError(`${at} must be an object with __typename and id`, at);
  }
  const { __typename: typename, id } = representation as Record<string, unknown>;
  if (typeof typename !== 'string' || !entityTypes.has(typename)) {
    return new BadUserInputError(`${at}.__typename must be one of ${[...entityTypes].join(', ')}`, `${at}.__typename`);
  }
  const problem = idProblem(id);
  return problem ? new BadUserInputError(`${at}.id ${problem}`, `${at}.id`) : null;
}

/**
 * Checks each `_entities` representation before federation's resolver sees it: an
 * unknown `__typename` or a missing or malformed key is the caller's mistake
 * (BAD_USER_INPUT for that list item), not a failure of ours. Every entity here is
 * keyed by `id`. The cost limit cannot see how many representations the variables
 * hold, so their number is capped here.
 */
export function guardEntityRepresentations(schema: GraphQLSchema, maxRepresentations: number): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const union = schema.getType('_Entity');
  const resolve = field?.resolve;
  if (!field || !resolve || !(union instanceof GraphQLUnionType)) return;
  const entityTypes = new Set(union.getTypes().map((type) => type.name));
  field.resolve = (source, args: { representations?: unknown[] }, context, info) => {
    const representations = args.representations ?? [];
    if (representations.length > maxRepresentations) {
      throw new BadUserInputError(`representations: at most ${maxRepresentations} per request, got ${representations.length}`, 'representations');
    }
    const problems = representations.map((representation, index) => representationProblem(representation, index, entityTypes));
    if (problems.every((problem) => problem === null)) return resolve(source, args, context, info);
    const resolved = resolve(source, { ...args, representations: representations.filter((_, index) => problems[index] === null) }, context, info) as unknown[];
    let next = 0;
    // graphql-js reports an Error in a list as that item's error, with its path.
    return problems.map((problem) => problem ?? resolved[next++]);
  };
}
