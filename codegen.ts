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
        },
        scalars: { DateTime: 'Date' },
      },
    },
  },
};

export default config;
