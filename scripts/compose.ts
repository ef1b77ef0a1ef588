/** Writes supergraph/supergraph.graphql, as `rover supergraph compose` would. */
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from './supergraph.js';

const sdl = composeSupergraph({
  events: process.env.EVENTS_URL ?? 'http://localhost:4001/graphql',
  users: process.env.USERS_URL ?? 'http://localhost:4002/graphql',
});
writeFileSync('supergraph/supergraph.graphql', sdl);
process.stdout.write(`wrote supergraph/supergraph.graphql (${sdl.length} bytes)\n`);
