# Aegis: multi-stage build, runs as the unprivileged `node` user.
# Not built or tested in this repository's CI (no Docker engine there): treat it as a starting point.
#   docker build -t aegis . && docker run -p 3000:3000 -e JWT_SECRET=... -e DATABASE_URL=... aegis

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and argon2 may compile from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
COPY scripts ./scripts
COPY client ./client
COPY demo ./demo
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production AEGIS_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
COPY --from=build /app/demo ./demo
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: node is PID 1 and receives SIGTERM itself (graceful drain, SHUTDOWN_GRACE).
CMD ["node", "dist/src/main.js"]
