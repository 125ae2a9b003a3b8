# One image for every Alertlark process; the container's command picks which one runs:
#   node dist/apps/<console|ingest|policy-router|lark-sender|stats>/src/main.js
#   node dist/tools/lark-emulator/src/main.js   (the Lark emulator, for the demo)
# docker-compose.yml sets `command:` per service; a bare `docker run` starts the console.

# ---- build: install everything, compile with tsc, then drop the devDependencies ----
FROM node:24-bookworm AS build
WORKDIR /app

COPY package.json package-lock.json ./
# --ignore-scripts: only devDependencies have install scripts (nx, @parcel/watcher, and the `node`
# package, which would download a second Node binary). Removing that package's `.bin/node` shim keeps
# `npm run build` on the image's own Node 24, the same one that runs the services.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && rm -f node_modules/.bin/node

COPY tsconfig.base.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools/lark-emulator ./tools/lark-emulator
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: the image's node, production dependencies, compiled output, non-root ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app

# Owned by root and read-only for the `node` user the processes run as.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The console serves its web UI from the source files (plain ES modules, not compiled).
COPY --from=build /app/apps/console/ui ./apps/console/ui

USER node
EXPOSE 3000 3001 3002 3003 3004 3100
CMD ["node", "dist/apps/console/src/main.js"]
