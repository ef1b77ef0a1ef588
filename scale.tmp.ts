import { startApp } from './src/app.js';
import { loadConfig } from './src/config.js';
import { createLogger } from './src/logger.js';
import { benchEvents, cities } from './bench/lib/discovery-data.js';
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false', JWT_SECRET: 'x'.repeat(40), NODE_ENV: 'test', RATE_LIMIT_SEARCH_PER_HOUR: '100000000' } as any);
const app = await startApp(config, createLogger('warn'));
const n = Number(process.argv[2]);
const t = performance.now();
const events = benchEvents(n, 1000);
for (const e of events) await app.deps.events.insert(e);
console.log('inserted', n, Math.round(performance.now() - t), 'ms', Math.round(process.memoryUsage().heapUsed / 1e6), 'MB heap');
async function time(label: string, query: string) {
  for (let i = 0; i < 5; i++) await (await fetch(app.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).text();
  const t2 = performance.now();
  for (let i = 0; i < 30; i++) await (await fetch(app.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).text();
  console.log(label, ((performance.now() - t2) / 30).toFixed(2), 'ms/req');
}
const c = cities(Math.ceil(n / 1000))[3 % Math.ceil(n / 1000)]!;
await time('search word+city', `{ searchEvents(query: "jazz ${c.name}") { edges { node { id } } } }`);
await time('search jazz', `{ searchEvents(query: "jazz") { edges { node { id } } } }`);
await time('nearby 3km', `{ nearbyEvents(near: {lat: ${c.latitude}, lng: ${c.longitude}}, radiusKm: 3) { edges { node { id } } } }`);
await app.stop();
