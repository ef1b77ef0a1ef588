# Events subgraph image: compiled JavaScript on Node 20, production dependencies only.
#
#   docker build -t events-subgraph .
#   docker run -p 4001:4001 -e MONGODB_URL=... -e REDIS_URL=... -e NEO4J_URL=... \
#     -e KAFKA_BROKERS=... -e JWT_SECRET=... -e ROUTER_SECRET=... events-subgraph
#
# Every setting is an environment variable read by src/config.ts. With
# NODE_ENV=production the service refuses to start on its embedded twins unless
# ALLOW_EMBEDDED=true, and needs JWT_SECRET or JWT_JWKS_URL.

# --- build: TypeScript -> dist/ ------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The generated resolver types (src/__generated__) are committed, so no codegen here.
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime -------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Install scripts are not needed at run time (tsx/esbuild is a dependency only for
# `npm start` in development; the image runs the compiled output).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

COPY --from=build /app/dist ./dist
# The server reads schema/*.graphql at run time, from ../schema/ relative to dist/.
COPY schema ./schema

USER node
EXPOSE 4001

# /live answers while the process serves HTTP; /ready and /health also check the
# datastores. Slim images have no curl, so Node's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The same node flags as `npm start` (test/deploy/node-flags.test.ts checks they agree).
# A young generation sized for the request rate: objects of requests in flight are not
# promoted to the old generation (GC went from about a quarter to a seventh of the CPU
# of discovery reads under load); and no allocation-site pretenuring, which after a burst
# of RSVPs allocated every later request's objects in the old generation (see README,
# Performance).
CMD ["node", "--max-semi-space-size=64", "--no-allocation-site-pretenuring", "dist/index.js"]
