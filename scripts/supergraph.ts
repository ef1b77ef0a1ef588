import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { loadTypeDefs } from '../src/schema.js';

export interface SubgraphUrls {
  events: string;
  users: string;
}

/** The supergraph of this subgraph and the users subgraph it is joined with. */
export function composeSupergraph(urls: SubgraphUrls): string {
  const usersSdl = readFileSync(new URL('../supergraph/users.graphql', import.meta.url), 'utf8');
  const result = composeServices([
    { name: 'events', url: urls.events, typeDefs: loadTypeDefs() },
    { name: 'users', url: urls.users, typeDefs: parse(usersSdl) },
  ]);
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((error) => error.message).join('\n')}`);
  return result.supergraphSdl;
}
