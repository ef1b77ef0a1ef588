import neo4j, { Neo4jError, type Driver, type RoutingControl } from 'neo4j-driver';
import type { AnswerScope, FriendsAnswers, FriendshipChange, GraphAnswer, GraphRsvpStatus, SocialGraph } from '../social-graph.js';
import { callDatastore, DatastoreError, type DatastoreInstruments, messageOf as plainMessageOf, redactUrl as redact } from '../driver-errors.js';

export interface Neo4jSocialGraphOptions {
  /** e.g. bolt://127.0.0.1:7687 or neo4j+s://host */
  url: string;
  user?: string;
  password?: string;
  /** Defaults to the server's default database. */
  database?: string;
  instruments?: DatastoreInstruments;
  /** How long the driver retries a failing call; default 5 s. */
  timeoutMs?: number;
  /** Queries in flight at most (the driver's pool); default 32. */
  maxConnections?: number;
}

// Concurrent `CREATE … IF NOT EXISTS` from several instances can still lose the race.
const SCHEMA_ALREADY_EXISTS = new Set([
  'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists',
  'Neo.ClientError.Schema.ConstraintAlreadyExists',
  'Neo.ClientError.Schema.IndexAlreadyExists',
]);

const SCHEMA = [
  'CREATE CONSTRAINT user_id_unique IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE',
  'CREATE CONSTRAINT event_id_unique IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE',
  'CREATE INDEX unfriended_at IF NOT EXISTS FOR ()-[e:UNFRIENDED]-() ON (e.at)',
];

/** Friendships or answers written per statement by `addFriendships` and `setRsvps`. */
const ADD_BATCH = 1_000;

/** Calls that get the long (schema work) timeout: none of them is on a request's path. */
const SLOW_OPERATIONS: ReadonlySet<string> = new Set(['init', 'replan', 'pruneEndedFriendships', 'addFriendships', 'setRsvps']);
/** Pairs or answers in one bulk write from which the request queries are planned again. */
const REPLAN_AFTER = 1_000;

/** Ended friendships removed per statement while pruning. */
const PRUNE_BATCH = 5_000;

/**
 * One transaction per message: the pair's newest decision (`at` on FRIENDS_WITH or on
 * UNFRIENDED) is read under a write lock on the lower node, so two messages for the pair
 * processed at once by different consumers cannot both act on the same old state.
 */
const SET_FRIENDSHIP = `
MERGE (low:User {id: $low})
MERGE (high:User {id: $high})
SET low._pairLock = true
WITH low, high
OPTIONAL MATCH (low)-[f:FRIENDS_WITH]-(high)
WITH low, high, collect(f) AS friendships
OPTIONAL MATCH (low)-[e:UNFRIENDED]-(high)
WITH low, high, friendships, collect(e) AS endings, datetime($at) AS at
WITH low, high, friendships, endings, at,
     reduce(latest = null, r IN friendships + endings |
       CASE WHEN r.at IS NOT NULL AND (latest IS NULL OR r.at > latest) THEN r.at ELSE latest END) AS latest
REMOVE low._pairLock
WITH low, high, friendships, endings, at, latest
WHERE latest IS NULL OR at > latest OR (at = latest AND NOT $friends)
FOREACH (r IN CASE WHEN $friends THEN endings ELSE friendships END | DELETE r)
FOREACH (r IN CASE WHEN $friends THEN friendships ELSE endings END | SET r.at = at)
FOREACH (_ IN CASE WHEN $friends AND size(friendships) = 0 THEN [1] ELSE [] END |
  CREATE (low)-[:FRIENDS_WITH {since: datetime($since), at: at}]->(high))
FOREACH (_ IN CASE WHEN NOT $friends AND size(endings) = 0 THEN [1] ELSE [] END |
  CREATE (low)-[:UNFRIENDED {at: at}]->(high))
RETURN true AS applied`;

/**
 * `(:User)-[:FRIENDS_WITH {since, at}]-(:User)` and `(:User)-[:RSVP {status, at}]->(:Event)`.
 * A friendship is one relationship per pair, written from the smaller id to the larger so
 * concurrent adds of (a, b) and (b, a) converge; every read matches it undirected. An
 * ended friendship leaves `(:User)-[:UNFRIENDED {at}]->(:User)` instead, so an older
 * `friendship.created` processed later cannot bring it back; `at` is the time of the
 * message that decided the pair.
 */
export class Neo4jSocialGraph implements SocialGraph {
  readonly kind = 'neo4j' as const;

  private constructor(
    private readonly driver: Driver,
    private readonly database: string | undefined,
    private readonly instruments: DatastoreInstruments | undefined,
    /** A request's call: the server ends the query then too, so work given up on does not pile up there. */
    private readonly callTimeoutMs: number | null,
    /** Every call gets the long timeout: the view `compileReadPlans` plans through. */
    private readonly allSlow = false,
  ) {}

  static async connect(options: Neo4jSocialGraphOptions): Promise<Neo4jSocialGraph> {
    const auth = options.user ? neo4j.auth.basic(options.user, options.password ?? '') : undefined;
    const driver = neo4j.driver(options.url, auth, {
      // Fail a request in seconds when the server is away rather than the 30 s defaults.
      // Connecting may take longer than a call may (a loaded or just-started server): calls
      // are bounded by their guard's timeout; the driver's retries stop within it.
      connectionTimeout: Math.max(5_000, options.timeoutMs ?? 0),
      connectionAcquisitionTimeout: Math.max(5_000, options.timeoutMs ?? 0),
      maxTransactionRetryTime: options.timeoutMs ?? 5_000,
      // A bulkhead (the driver's default is 100): a burst beyond it waits for a connection
      // within its timeout instead of all of it running in Neo4j at once.
      maxConnectionPoolSize: options.maxConnections ?? 32,
      disableLosslessIntegers: true,
    });
    try {
      await driver.verifyConnectivity(options.database ? { database: options.database } : {});
    } catch (error) {
      await driver.close();
      throw new Error(`cannot reach Neo4j at ${redact(options.url)}: ${messageOf(error)}`, { cause: error });
    }
    const graph = new Neo4jSocialGraph(driver, options.database, options.instruments, options.timeoutMs ?? null);
    try {
      await graph.init();
      await graph.compileReadPlans();
    } catch (error) {
      await driver.close();
      throw error;
    }
    return graph;
  }

  /** Creates the uniqueness constraints (which also index the ids every query starts from). */
  async init(): Promise<void> {
    for (const statement of SCHEMA) {
      try {
        await this.run('init', 'WRITE', statement);
      } catch (error) {
        if (!(error instanceof DatastoreError && isSchemaAlreadyExists(error.cause))) throw error;
      }
    }
  }

  /**
   * Runs each query requests make once, for a user no one is: Neo4j plans a query text on
   * its first run, and the first burst of requests after a start would otherwise all plan
   * it at once (seen as every call of that burst past its timeout, and an open breaker).
   */
  async compileReadPlans(): Promise<void> {
    const nobody = '';
    // Planning on a just-started server takes longer than a request's call may: a view of
    // the same driver whose calls get the long timeout (requests served meanwhile keep theirs).
    const planner = new Neo4jSocialGraph(this.driver, this.database, this.instruments, this.callTimeoutMs, true);
    await Promise.all([
      planner.friendIdsOf([nobody]),
      planner.areFriends(nobody, nobody),
      planner.friendsWithRsvp(nobody, [nobody], 'GOING'),
      planner.friendsAnswers(nobody, 'GOING', { eventIds: [nobody] }),
      planner.friendsAnswers(nobody, 'GOING', { mostRecent: 1 }),
    ]);
  }

  /**
   * After an import large enough to change the graph's statistics (demo data, a data set
   * for benchmarks): plans made before it may no longer fit, and Neo4j would replan each
   * query in the middle of the next burst of requests.
   */
  private async replan(): Promise<void> {
    try {
      await this.run('replan', 'WRITE', 'CALL db.clearQueryCaches()');
    } catch {
      // An optimisation only: a user without the privilege leaves Neo4j to replan on its own.
      return;
    }
    await this.compileReadPlans();
  }

  async friendIdsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return result;
    const records = await this.run(
      'friendIdsOf',
      'READ',
      `UNWIND $ids AS id
       MATCH (:User {id: id})-[:FRIENDS_WITH]-(friend:User)
       RETURN id, collect(DISTINCT friend.id) AS friendIds`,
      { ids: [...new Set(userIds)] },
    );
    for (const record of records) result.set(stringField(record, 'id'), stringList(record, 'friendIds'));
    return result;
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    const records = await this.run(
      'areFriends',
      'READ',
      'RETURN EXISTS { MATCH (:User {id: $a})-[:FRIENDS_WITH]-(:User {id: $b}) } AS friends',
      { a, b },
    );
    return records[0]?.get('friends') === true;
  }

  async setFriendship(a: string, b: string, { friends, at, since }: FriendshipChange): Promise<boolean> {
    const [low, high] = orderedPair(a, b);
    const records = await this.run('setFriendship', 'WRITE', SET_FRIENDSHIP, {
      low,
      high,
      friends,
      at: at.toISOString(),
      since: (since ?? at).toISOString(),
    });
    return records.length > 0;
  }

  async addFriendship(a: string, b: string, since: Date): Promise<void> {
    await this.addFriendships([[a, b]], since);
  }

  async addFriendships(pairs: readonly (readonly [string, string])[], since: Date): Promise<void> {
    const ordered = [...new Map(pairs.map(([a, b]) => orderedPair(a, b)).map((pair) => [pair.join('\u0000'), pair])).values()];
    for (let from = 0; from < ordered.length; from += ADD_BATCH) {
      // Undirected MERGE also finds a pair written the other way round (e.g. by an older
      // writer), so the pair never gets a second relationship.
      await this.run(
        'addFriendships',
        'WRITE',
        `UNWIND $pairs AS pair
         MERGE (low:User {id: pair[0]})
         MERGE (high:User {id: pair[1]})
         WITH low, high
         OPTIONAL MATCH (low)-[e:UNFRIENDED]-(high)
         DELETE e
         WITH DISTINCT low, high
         MERGE (low)-[f:FRIENDS_WITH]-(high)
           ON CREATE SET f.since = datetime($since)
         REMOVE f.at`,
        { pairs: ordered.slice(from, from + ADD_BATCH), since: since.toISOString() },
      );
    }
    if (pairs.length >= REPLAN_AFTER) await this.replan();
  }

  async removeFriendship(a: string, b: string): Promise<void> {
    await this.run(
      'removeFriendship',
      'WRITE',
      'MATCH (:User {id: $a})-[f:FRIENDS_WITH|UNFRIENDED]-(:User {id: $b}) DELETE f',
      { a, b },
    );
  }

  async pruneEndedFriendships(before: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const records = await this.run(
        'pruneEndedFriendships',
        'WRITE',
        `MATCH ()-[e:UNFRIENDED]->() WHERE e.at < datetime($before)
         WITH e LIMIT ${PRUNE_BATCH}
         DELETE e
         RETURN count(*) AS removed`,
        { before: before.toISOString() },
      );
      const batch = Number(records[0]?.get('removed') ?? 0);
      removed += batch;
      if (batch < PRUNE_BATCH) return removed;
    }
  }

  async setRsvp(userId: string, eventId: string, status: GraphRsvpStatus | null, at: Date): Promise<void> {
    if (status === null) {
      await this.run(
        'setRsvp',
        'WRITE',
        'MATCH (:User {id: $userId})-[r:RSVP]->(:Event {id: $eventId}) DELETE r',
        { userId, eventId },
      );
      return;
    }
    await this.run(
      'setRsvp',
      'WRITE',
      `MERGE (u:User {id: $userId})
       MERGE (e:Event {id: $eventId})
       MERGE (u)-[r:RSVP]->(e)
       SET r.status = $status, r.at = datetime($at)`,
      { userId, eventId, status, at: at.toISOString() },
    );
  }

  async setRsvps(answers: readonly GraphAnswer[]): Promise<void> {
    for (let from = 0; from < answers.length; from += ADD_BATCH) {
      await this.run(
        'setRsvps',
        'WRITE',
        `UNWIND $answers AS answer
         MERGE (u:User {id: answer.userId})
         MERGE (e:Event {id: answer.eventId})
         MERGE (u)-[r:RSVP]->(e)
         SET r.status = answer.status, r.at = datetime(answer.at)`,
        { answers: answers.slice(from, from + ADD_BATCH).map((answer) => ({ ...answer, at: answer.at.toISOString() })) },
      );
    }
    if (answers.length >= REPLAN_AFTER) await this.replan();
  }

  async friendsWithRsvp(
    userId: string,
    eventIds: readonly string[],
    status: GraphRsvpStatus,
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(eventIds.map((id) => [id, []]));
    if (eventIds.length === 0) return result;
    // Start from the (indexed) events: an event has far fewer answers than a user may have
    // friends-of-friends paths.
    const records = await this.run(
      'friendsWithRsvp',
      'READ',
      `UNWIND $eventIds AS eventId
       MATCH (:Event {id: eventId})<-[:RSVP {status: $status}]-(friend:User)-[:FRIENDS_WITH]-(:User {id: $userId})
       RETURN eventId, collect(DISTINCT friend.id) AS friendIds`,
      { userId, eventIds: [...new Set(eventIds)], status },
    );
    for (const record of records) result.set(stringField(record, 'eventId'), stringList(record, 'friendIds'));
    return result;
  }

  async friendsAnswers(userId: string, status: GraphRsvpStatus, scope: AnswerScope): Promise<FriendsAnswers> {
    const query =
      'eventIds' in scope
        ? // From each friend's answers (a friend answers few events) rather than from each
          // event (a search hands hundreds): the cost follows the viewer's circle, and
          // `IN $eventIds` is a set lookup.
          `OPTIONAL MATCH (:User {id: $userId})-[:FRIENDS_WITH]-(friend:User)
           WITH collect(DISTINCT friend) AS friends
           RETURN [f IN friends | f.id] AS friendIds,
                  [f IN friends | [(f)-[:RSVP {status: $status}]->(e:Event) WHERE e.id IN $eventIds | e.id]] AS goingByFriend`
        : `OPTIONAL MATCH (me:User {id: $userId})
           OPTIONAL MATCH (me)-[:FRIENDS_WITH]-(friend:User)
           WITH me, collect(DISTINCT friend) AS friends
           CALL {
             WITH me, friends
             UNWIND friends AS f
             MATCH (f)-[r:RSVP {status: $status}]->(e:Event)
             WHERE NOT EXISTS { MATCH (me)-[:RSVP]->(e) }
             WITH e, collect(f.id) AS goers, max(r.at) AS latest
             ORDER BY latest DESC, e.id
             LIMIT $limit
             RETURN collect({eventId: e.id, friendIds: goers}) AS answers
           }
           RETURN [f IN friends | f.id] AS friendIds, answers`;
    const parameters =
      'eventIds' in scope ? { userId, status, eventIds: [...new Set(scope.eventIds)] } : { userId, status, limit: neo4j.int(scope.mostRecent) };
    const [record] = await this.run('friendsAnswers', 'READ', query, parameters);
    const friendIds = record ? stringList(record, 'friendIds') : [];
    if ('eventIds' in scope) return { friendIds, byEvent: goingByEvent(scope.eventIds, friendIds, record?.get('goingByFriend')) };
    const byEvent = new Map<string, string[]>();
    const answers = record?.get('answers');
    for (const answer of Array.isArray(answers) ? (answers as { eventId: unknown; friendIds: unknown }[]) : []) {
      if (typeof answer.eventId !== 'string' || !Array.isArray(answer.friendIds)) throw new Error('Neo4j returned a malformed answer');
      byEvent.set(answer.eventId, [...new Set(answer.friendIds.filter((id): id is string => typeof id === 'string'))]);
    }
    return { friendIds, byEvent };
  }

  async removeUser(userId: string): Promise<void> {
    await this.run('removeUser', 'WRITE', 'MATCH (u:User {id: $userId}) DETACH DELETE u', { userId });
  }

  async ping(): Promise<void> {
    await this.run('ping', 'READ', 'RETURN 1');
  }

  /** A connection check past the breaker, for its background probe. */
  async probe(): Promise<void> {
    await this.driver.verifyConnectivity(this.database ? { database: this.database } : {});
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /**
   * One call; driver errors leave here as DatastoreErrors. A write is a managed
   * transaction, retried by the driver on transient errors (a deadlock between two
   * consumers' MERGEs). A read is one auto-commit query: RUN and PULL in a single
   * write and round trip, where a managed transaction adds BEGIN and COMMIT (measured
   * at 50 concurrent queries: a third of the driver's CPU per query, twice the
   * throughput); it is tried once more on a transient error, a read being safe to repeat.
   */
  private async run(
    operation: string,
    routing: RoutingControl,
    query: string,
    parameters: Record<string, unknown> = {},
  ) {
    const slow = this.allSlow || SLOW_OPERATIONS.has(operation);
    const timeout = this.callTimeoutMs !== null && !slow ? this.callTimeoutMs : undefined;
    return callDatastore(
      'neo4j',
      operation,
      async () => {
        if (routing === 'READ') return this.readOnce(query, parameters, timeout).catch((error: unknown) => {
          if (!neo4j.isRetriableError(error)) throw error;
          return this.readOnce(query, parameters, timeout);
        });
        const { records } = await this.driver.executeQuery(query, parameters, {
          routing,
          ...(this.database ? { database: this.database } : {}),
          ...(timeout !== undefined ? { transactionConfig: { timeout } } : {}),
        });
        return records;
      },
      // Schema statements, planning, pruning and bulk imports may take long; requests' calls may not.
      { instruments: this.instruments, describe: messageOf, slow },
    );
  }

  private async readOnce(query: string, parameters: Record<string, unknown>, timeout: number | undefined) {
    // No bookmarks (a session has none unless given): they would order one driver's reads
    // after its writes, and this process's graph writes (the answers' projection,
    // friendships) are asynchronous to every read anyway.
    const session = this.driver.session({ defaultAccessMode: neo4j.session.READ, ...(this.database ? { database: this.database } : {}) });
    try {
      const { records } = await withoutStackCapture(() => session.run(query, parameters, timeout !== undefined ? { timeout } : {}));
      return records;
    } finally {
      await session.close();
    }
  }
}

/**
 * The driver captures the caller's stack trace for every result it creates, to decorate
 * its errors with (a twentieth of a warm recommendations read's CPU). Our errors name
 * the operation instead, so the capture is switched off while the result is created
 * (synchronously, inside `run`).
 */
function withoutStackCapture<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Each of `eventIds` → the friends going, from each friend's list of events (parallel to `friendIds`). */
function goingByEvent(eventIds: readonly string[], friendIds: readonly string[], goingByFriend: unknown): Map<string, string[]> {
  const byEvent = new Map<string, string[]>(eventIds.map((eventId) => [eventId, []]));
  if (goingByFriend === undefined && friendIds.length === 0) return byEvent;
  if (!Array.isArray(goingByFriend) || goingByFriend.length !== friendIds.length) throw new Error('Neo4j returned a malformed answer');
  goingByFriend.forEach((eventIds: unknown, i) => {
    if (!Array.isArray(eventIds)) throw new Error('Neo4j returned a malformed answer');
    const friendId = friendIds[i]!;
    for (const eventId of new Set(eventIds)) {
      if (typeof eventId !== 'string') throw new Error('Neo4j returned a malformed answer');
      byEvent.get(eventId)?.push(friendId);
    }
  });
  return byEvent;
}

interface RecordLike {
  get(key: string): unknown;
}

function stringField(record: RecordLike, key: string): string {
  const value = record.get(key);
  if (typeof value !== 'string') throw new Error(`Neo4j returned a non-string ${key}`);
  return value;
}

function stringList(record: RecordLike, key: string): string[] {
  const value = record.get(key);
  if (!Array.isArray(value)) throw new Error(`Neo4j returned a non-list ${key}`);
  return value.filter((item): item is string => typeof item === 'string');
}

/** Lower id first, the direction every pair relationship is written in. */
function orderedPair(a: string, b: string): [string, string] {
  if (a === b) throw new Error(`a user cannot be their own friend (${a})`);
  return a < b ? [a, b] : [b, a];
}

function isSchemaAlreadyExists(error: unknown): boolean {
  return error instanceof Neo4jError && SCHEMA_ALREADY_EXISTS.has(error.code);
}

/** Neo4j's codes tell more than its messages. */
function messageOf(error: unknown): string {
  return error instanceof Neo4jError ? `${error.code}: ${error.message}` : plainMessageOf(error);
}

