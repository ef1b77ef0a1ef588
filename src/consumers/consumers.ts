import type { Config } from '../config.js';
import type { DocumentStore } from '../datasources/documents.js';
import type { MessageBus } from '../datasources/message-bus.js';
import type { SocialGraph } from '../datasources/social-graph.js';
import type { UserRepository } from '../datasources/user-repository.js';
import type { InvitationRepository } from '../datasources/invitation-repository.js';
import type { RsvpRepository } from '../datasources/rsvp-repository.js';
import { cancellationsConsumer } from './cancellations-consumer.js';
import { rsvpGraphConsumer } from './rsvp-graph-consumer.js';
import type { UserCleanup } from '../domain/users/user-cleanup.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { ConsumerRunner } from './consumer-runner.js';
import { friendshipsConsumer } from './friendships-consumer.js';
import { usersConsumer } from './users-consumer.js';
import { discoveryConsumer, discoveryFriendshipsConsumer, type DiscoveryConsumerDeps } from './discovery-consumer.js';

export interface ConsumersDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  bus: MessageBus;
  store: DocumentStore;
  graph: SocialGraph;
  users: UserRepository;
  userCleanup: UserCleanup;
  rsvps: RsvpRepository;
  invitations: InvitationRepository;
  discovery: DiscoveryConsumerDeps;
}

/** The topics this service consumes, built at start-up and started by the app. */
export interface Consumers {
  users: ConsumerRunner;
  friendships: ConsumerRunner;
  cancellations: ConsumerRunner;
  rsvpGraph: ConsumerRunner;
  discovery: ConsumerRunner;
  discoveryFriendships: ConsumerRunner;
  all: readonly ConsumerRunner[];
  start(): Promise<void>;
  /** Safe to call when never started; waits for the messages in progress. */
  stop(): Promise<void>;
}

export function createConsumers(deps: ConsumersDeps): Consumers {
  const { config, logger, bus, store, graph } = deps;
  const { groupPrefix, maxAttempts, retryDelayMs, fromBeginning, maxClockSkewMs, deadLetterPublishAttempts } = config.consumers;
  const options = {
    maxAttempts,
    retryDelayMs,
    fromBeginning,
    maxFutureSkewMs: maxClockSkewMs,
    deadLetterPublishAttempts,
    checkDependencies: () => Promise.all([store.ping(), graph.ping()]),
  };
  const runnerDeps = {
    bus,
    store,
    logger,
    onOutcome: (consumer: string, topic: string, outcome: string) => deps.metrics.consumerMessages.inc({ consumer, topic, outcome }),
  };
  const users = new ConsumerRunner(
    runnerDeps,
    usersConsumer(`${groupPrefix}-users`, { users: deps.users, userCleanup: deps.userCleanup, logger: logger.child({ component: 'users-consumer' }) }),
    options,
  );
  const friendships = new ConsumerRunner(runnerDeps, friendshipsConsumer(`${groupPrefix}-friendships`, { graph, users: deps.users }), options);
  const cancellations = new ConsumerRunner(
    runnerDeps,
    cancellationsConsumer(`${groupPrefix}-cancellations`, { bus, rsvps: deps.rsvps, invitations: deps.invitations, eventSource: config.eventSource }),
    options,
  );
  const rsvpGraph = new ConsumerRunner(runnerDeps, rsvpGraphConsumer(`${groupPrefix}-rsvp-graph`, { graph, users: deps.users }), options);
  const discovery = new ConsumerRunner(runnerDeps, discoveryConsumer(`${groupPrefix}-discovery`, deps.discovery), options);
  const discoveryFriendships = new ConsumerRunner(
    runnerDeps,
    discoveryFriendshipsConsumer(`${groupPrefix}-discovery-friendships`, { recommendations: deps.discovery.recommendations }),
    options,
  );
  const all = [users, friendships, cancellations, rsvpGraph, discovery, discoveryFriendships] as const;
  return {
    users,
    friendships,
    cancellations,
    rsvpGraph,
    discovery,
    discoveryFriendships,
    all,
    async start() {
      try {
        await Promise.all(all.map((runner) => runner.start()));
      } catch (error) {
        await Promise.allSettled(all.map((runner) => runner.stop()));
        throw error;
      }
    },
    async stop() {
      await Promise.allSettled(all.map((runner) => runner.stop()));
    },
  };
}
