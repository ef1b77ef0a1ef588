import { readFileSync, readdirSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { guardEntityRepresentations } from './graphql/entities.js';
import { resolvers } from './resolvers/index.js';

const schemaDir = new URL('../schema/', import.meta.url);

/** The SDL of `schema/*.graphql`, in file-name order. */
export function loadTypeDefs(): DocumentNode {
  const files = readdirSync(schemaDir).filter((name) => name.endsWith('.graphql')).sort();
  return parse(files.map((name) => readFileSync(new URL(name, schemaDir), 'utf8')).join('\n'));
}

export function buildSchema(options: { maxRepresentations: number }): GraphQLSchema {
  const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as GraphQLResolverMap<unknown> }]);
  guardEntityRepresentations(schema, options.maxRepresentations);
  return schema;
}
