import type { UserRepository } from '../../datasources/user-repository.js';
import type { SocialGraph } from '../../datasources/social-graph.js';
import type { Logger } from '../../logger.js';

/**
 * One domain's share of forgetting a deleted user. `removeUser` must be idempotent:
 * after a crash or a failure of another step the whole cleanup runs again.
 */
export interface UserDataCleanup {
  /** Unique among the registered steps; shows in logs and errors. */
  name: string;
  /** `deletedAt`: the deletion's time (the `user.deleted` event's). */
  removeUser(userId: string, deletedAt: Date): Promise<void>;
}

/**
 * Removes everything this subgraph keeps about a user, as a list of steps that each
 * domain registers for its own data (events, RSVPs, invitations, posts, …).
 */
export class UserCleanup {
  private readonly steps: UserDataCleanup[] = [];

  constructor(private readonly logger: Logger) {}

  register(step: UserDataCleanup): this {
    if (this.steps.some((existing) => existing.name === step.name)) {
      throw new Error(`a user cleanup step named ${step.name} is registered already`);
    }
    this.steps.push(step);
    return this;
  }

  get stepNames(): string[] {
    return this.steps.map((step) => step.name);
  }

  /**
   * Runs every step in registration order; one failing does not stop the others. Throws
   * an AggregateError naming the failed steps, so the caller can run it all again.
   */
  async removeUser(userId: string, deletedAt = new Date()): Promise<void> {
    const failures: { step: string; error: unknown }[] = [];
    for (const step of this.steps) {
      const started = Date.now();
      try {
        await step.removeUser(userId, deletedAt);
        this.logger.debug({ userId, step: step.name, ms: Date.now() - started }, 'user cleanup step done');
      } catch (error) {
        failures.push({ step: step.name, error });
        this.logger.warn({ userId, step: step.name, err: error }, 'user cleanup step failed');
      }
    }
    if (failures.length > 0) {
      const summary = failures.map(({ step, error }) => `${step}: ${error instanceof Error ? error.message : String(error)}`);
      throw new AggregateError(
        failures.map(({ error }) => error),
        `user cleanup of ${userId} failed in ${summary.join('; ')}`,
      );
    }
    this.logger.info({ userId, steps: this.stepNames }, 'user data removed');
  }
}

/**
 * The local replica becomes a tombstone. Register it first: consumers that may recreate
 * the user's graph node (RSVPs, friendships) write the node, then look for the tombstone
 * and undo their write if they find it; with the tombstone written before the graph step
 * removes the node, one of the two always sees the other.
 */
export function userReplicaCleanup(users: UserRepository, logger: Logger): UserDataCleanup {
  return {
    name: 'user-replica',
    async removeUser(userId, deletedAt) {
      if (!(await users.applyDeletion(userId, deletedAt))) {
        logger.warn({ userId, deletedAt }, 'user.deleted is older than the replica; the replica stays, the rest of the user data is removed');
      }
    },
  };
}

/** The user's node with their friendships and RSVP relations. */
export function socialGraphCleanup(graph: SocialGraph): UserDataCleanup {
  return { name: 'social-graph', removeUser: (userId) => graph.removeUser(userId) };
}
