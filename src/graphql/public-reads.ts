import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/**
 * Fields whose value, for an anonymous caller, follows from event documents (and the
 * fixed categories) alone — so an answer made only of them may be shared between
 * anonymous callers and is kept current by invalidating on event changes (trending's
 * order, which the board moves, is kept only briefly: see `ReadRecord.ranked`). Anything else
 * (answers, posts, invitations, a user's lists, category counts, views and shares, which
 * are kept apart from the event) makes an operation uncacheable, as does any field
 * added later until it is listed here.
 */
const PUBLIC_FIELDS: Record<string, ReadonlySet<string>> = {
  Query: new Set(['event', 'events', 'categories', 'trendingEvents']),
  Event: new Set([
    'id', 'title', 'description', 'host', 'coHosts', 'privacy', 'status', 'category', 'tags', 'startsAt', 'endsAt', 'timeZone',
    'location', 'virtualLink', 'isVirtual', 'capacity', 'price', 'mediaUrls', 'stats', 'cancellationReason', 'createdAt', 'updatedAt',
    // No viewer, no friends: the same empty answer for every anonymous caller.
    'friendsGoing',
  ]),
  EventConnection: new Set(['edges', 'pageInfo', 'totalCount']),
  EventEdge: new Set(['cursor', 'node']),
  PageInfo: new Set(['hasNextPage', 'endCursor']),
  EventStats: new Set(['going', 'interested', 'maybe', 'notGoing', 'waitlisted', 'posts']),
  Location: new Set(['name', 'address', 'latitude', 'longitude']),
  Money: new Set(['amountMinor', 'currency']),
  Category: new Set(['id', 'name', 'icon', 'color']),
  FriendsGoing: new Set(['count', 'friends']),
  User: new Set(['id']),
};

/** Whether `operation` is a query reading public event fields only (see PUBLIC_FIELDS). */
export function isPublicEventRead(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  const typeInfo = new TypeInfo(schema);
  let allowed = true;
  // The whole document: fragments spread into the operation are part of what it reads.
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: (node) => (node === operation ? undefined : false),
      Field(node) {
        const name = node.name.value;
        if (name === '__typename') return;
        const parent = typeInfo.getParentType()?.name;
        if (!parent || !PUBLIC_FIELDS[parent]?.has(name)) {
          allowed = false;
          return false;
        }
        return undefined;
      },
    }),
  );
  return allowed;
}
