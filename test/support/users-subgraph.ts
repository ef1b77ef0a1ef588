import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/** A stand-in for the users subgraph: it owns `User.name`. */
export async function startUsersSubgraph(names: Record<string, string>) {
  const typeDefs = parse(readFileSync(new URL('../../supergraph/users.graphql', import.meta.url), 'utf8'));
  const user = (id: string) => ({ id, name: names[id] ?? `Unknown ${id}` });
  const server = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs,
        resolvers: {
          Query: { user: (_: unknown, { id }: { id: string }) => user(id) },
          User: { __resolveReference: (reference: { id: string }) => user(reference.id) },
        },
      },
    ]),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
