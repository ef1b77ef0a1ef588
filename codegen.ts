import type { CodegenConfig } from '@graphql-codegen/cli';

// Resolver types are checked against the SDL; mappers point each GraphQL type at the
// domain model its resolvers receive as parent.
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#RequestContext',
        mapperTypeSuffix: 'Model',
        mappers: {
          Event: '../domain/events/model.js#EventRecord',
          EventConnection: '../domain/events/model.js#EventPage',
          Category: '../domain/categories/model.js#CategoryRecord',
          User: '../domain/users/model.js#UserRef',
          Post: '../domain/posts/model.js#PostRecord',
          PostConnection: '../domain/posts/model.js#PostPage',
          Comment: '../domain/posts/model.js#CommentRecord',
          CommentConnection: '../domain/posts/model.js#CommentPage',
          ReactionCounts: '../domain/posts/model.js#ReactionCounts',
          Rsvp: '../domain/rsvps/model.js#RsvpRecord',
          RsvpConnection: '../domain/rsvps/model.js#RsvpPage',
          AttendeeConnection: '../domain/rsvps/model.js#AttendeePage',
          AttendeeEdge: '../domain/rsvps/model.js#AttendeeEdgeModel',
          EventStatsChange: '../domain/rsvps/model.js#EventStatsChange',
          Invitation: '../domain/invitations/model.js#InvitationRecord',
          InvitationConnection: '../domain/invitations/model.js#InvitationPage',
          InviteFriendsResult: '../domain/invitations/model.js#InviteFriendsResult',
          NearbyEventConnection: '../domain/discovery/model.js#NearbyPage',
          NearbyEventEdge: '../domain/discovery/model.js#NearbyEdgeModel',
          RecommendationConnection: '../domain/discovery/model.js#RecommendationPage',
          RecommendationEdge: '../domain/discovery/model.js#RecommendationEdgeModel',
          RecommendationReason: '../domain/discovery/model.js#RecommendationReasonModel',
          FriendsGoing: '../domain/discovery/model.js#FriendsGoingModel',
          FriendBirthday: '../domain/discovery/model.js#FriendBirthdayModel',
        },
        scalars: { DateTime: 'Date' },
      },
    },
  },
};

export default config;
