# Aegis on the official Node.js 24 LTS image, as an unprivileged numeric user, data in the /data volume.
# Production refuses to start without its secrets; make them once, keep the file secret, then run:
#   printf 'JWT_SECRET=%s\nMFA_ENCRYPTION_KEY=%s\nOIDC_ENCRYPTION_KEY=%s\nMETRICS_TOKEN=%s\n' "$(openssl rand -base64 48)" "$(openssl rand -base64 32)" "$(openssl rand -base64 32)" "$(openssl rand -hex 32)" > aegis.env
#   docker build -t aegis . && docker run -d -p 3000:3000 -v aegis-data:/data --env-file aegis.env -e PUBLIC_URL=https://aegis.example.com aegis
# PUBLIC_URL is the origin users type (TLS ends at your proxy). No Docker engine runs where this project is tested:
# test/container-recipe.e2e-spec.ts starts the same build with exactly the environment above instead.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# No compiler needed: argon2 and better-sqlite3 ship Node-API binaries inside their packages.
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund && npm run check:runtime
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
RUN npx nest build && npm prune --omit=dev
# The commit, when the build is told it (--build-arg AEGIS_COMMIT=$(git rev-parse HEAD)), for the start line:
# the image has no .git to ask, and nothing runs git at start-up.
ARG AEGIS_COMMIT
RUN if [ -n "$AEGIS_COMMIT" ]; then printf '%s\n' "$AEGIS_COMMIT" > dist/COMMIT; fi

FROM node:24-bookworm-slim
ENV NODE_ENV=production AEGIS_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's `node` user, by number: an orchestrator can then verify that the container does not run as root.
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME /data
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: node is PID 1 and receives SIGTERM itself (graceful drain: SHUTDOWN_DRAIN, then SHUTDOWN_GRACE).
CMD ["node", "dist/src/main.js"]
