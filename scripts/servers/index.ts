/**
 * Real test servers without Docker — FerretDB, Redis, Kafka, Neo4j and a three-node Redis
 * Cluster — on free loopback ports, installed and cached by the project itself.
 *
 *   const { env, stop } = await startServers();          // the shared set, fresh data
 *   const kafka = await startDedicatedServer('kafka');   // one of a test's own
 *   await kafka.stop(); await kafka.start();             // same port, same data
 */
export { startDedicatedServer, type DedicatedOptions, type DedicatedServer } from './dedicated.js';
export { SERVER_NAMES, type ServerName } from './recipe.js';
export { installServers } from './recipes.js';
export { startServers, type StartOptions, type StartedServers } from './start-servers.js';
