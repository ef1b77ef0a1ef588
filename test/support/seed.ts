import type { TestApp } from './app.js';

/** Makes `user` friends with each of `friends` in the social graph, as the friendships topic would. */
export async function befriend(app: TestApp, user: string, ...friends: string[]): Promise<void> {
  for (const friend of friends) await app.deps.graph.addFriendship(user, friend, new Date());
}
