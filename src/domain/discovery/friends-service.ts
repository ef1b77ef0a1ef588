import type { Loaders } from '../../datasources/loaders.js';
import type { UserRepository } from '../../datasources/user-repository.js';
import { BadUserInputError } from '../../errors.js';
import type { EventRecord } from '../events/model.js';
import type { ViewerAccess } from '../viewer-access.js';
import type { Audience } from './audience.js';
import { nextBirthday, parseWindow } from './birthdays.js';
import type { FriendBirthdayModel, FriendsGoingModel } from './model.js';

/** Friends named by `Event.friendsGoing` at most. */
export const MAX_FRIENDS_SHOWN = 20;

/** The viewer's friends in discovery: who is going to an event, whose birthday is coming. */
export class FriendsService {
  constructor(
    private readonly deps: { users: Pick<UserRepository, 'findByIds'> },
    private readonly access: ViewerAccess,
    private readonly audience: Audience,
    private readonly loaders: Pick<Loaders, 'friendIds'>,
  ) {}

  /** Friends of the viewer going to an event the viewer sees (the event's resolver checked that); batched per request. */
  async going(event: EventRecord, first: number | null | undefined): Promise<FriendsGoingModel> {
    const shown = first ?? 3;
    if (!Number.isInteger(shown) || shown < 0 || shown > MAX_FRIENDS_SHOWN) throw new BadUserInputError(`first must be between 0 and ${MAX_FRIENDS_SHOWN}`, 'first');
    const friendIds = [...(await this.audience.friendsGoing(event._id))].sort();
    return { count: friendIds.length, friendIds: friendIds.slice(0, shown) };
  }

  /** Friends whose birthday is celebrated in the `withinDays` days starting today (UTC), soonest first. */
  async birthdays(withinDays: number | null | undefined): Promise<FriendBirthdayModel[]> {
    const viewerId = this.access.requireUser();
    const days = parseWindow(withinDays ?? 7, 'withinDays');
    await this.access.chargeBrowsing();
    const friends = await this.deps.users.findByIds(await this.loaders.friendIds.load(viewerId));
    const today = new Date();
    return friends
      .flatMap((friend) => {
        const next = friend.birthday ? nextBirthday(friend.birthday, today) : null;
        return next && next.inDays < days ? [{ userId: friend._id, ...next }] : [];
      })
      .sort((a, b) => a.inDays - b.inDays || (a.userId < b.userId ? -1 : 1));
  }
}
