import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoEvents } from '../../src/demo/seed.js';
import { invitationId, type InvitationRecord } from '../../src/domain/invitations/model.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';

describe('store round trips of myInvitations (FerretDB, counted by command monitoring)', () => {
  let app: TestApp;
  const commands: string[] = [];
  const invitee = uniqueUser('invitee');

  before(async () => {
    // The outbox relay's polling would be counted too; it has nothing to do here.
    app = await startTestApp({ mode: 'real', onCommand: (name) => commands.push(name), env: { OUTBOX_POLL_MS: '3600000' } });
    const now = new Date();
    const events = demoEvents(60, now).map((event, i) => ({
      ...event,
      _id: `${invitee}-event-${i}`,
      hostId: uniqueUser('host'),
      // Visible to the invitee only because of the invitation.
      privacy: 'PRIVATE' as const,
      status: 'ACTIVE' as const,
      startsAt: new Date(now.getTime() + (i + 1) * 3600_000),
      endsAt: new Date(now.getTime() + (i + 2) * 3600_000),
    }));
    for (const [i, event] of events.entries()) {
      await app.deps.events.insert(event);
      const invitation: InvitationRecord = {
        _id: invitationId(event._id, invitee),
        eventId: event._id,
        inviterId: event.hostId,
        inviteeId: invitee,
        status: 'PENDING',
        message: null,
        createdAt: new Date(now.getTime() - i * 1000),
        respondedAt: null,
        updatedAt: now,
        acceptingUntil: null,
      };
      await app.deps.invitations.insert(invitation);
    }
  });
  after(() => app.stop());

  async function countFor(first: number): Promise<{ commands: string[]; edges: number }> {
    const query = `query($first: Int) {
      myInvitations(first: $first) { edges { node { event { title host { id } } inviter { id } } } }
    }`;
    commands.length = 0;
    const result = await app.gql<{ myInvitations: { edges: { node: { event: { title: string } | null } }[] } }>(query, { first }, invitee);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.ok(result.data!.myInvitations.edges.every((edge) => edge.node.event !== null), 'every invited event is visible to the invitee');
    return { commands: [...commands], edges: result.data!.myInvitations.edges.length };
  }

  it('lists 50 invitations with event, host and inviter in at most 4 round trips', async () => {
    const { commands: sent, edges } = await countFor(50);
    assert.equal(edges, 50);
    assert.ok(sent.length <= 4, `sent ${sent.length}: ${sent.join(', ')}`);
  });

  it('costs the same number of round trips for 5 and 50', async () => {
    const small = await countFor(5);
    const large = await countFor(50);
    assert.equal(small.edges, 5);
    assert.equal(small.commands.length, large.commands.length);
  });
});
