# syntax=docker/dockerfile:1
# The back-office service against an external PostgreSQL:
#   docker build -t frisbee-backoffice .
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://... -e SECRET_KEY="$(openssl rand -base64 32)" frisbee-backoffice

# ---- build: install exactly the locked dependencies and build the admin UI (when it has a build)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY admin-ui/package.json admin-ui/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build --workspace admin-ui --if-present

# ---- runtime: the sources run through tsx; files are root-owned and read-only to the service
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/config ./config
COPY --from=build /app/server ./server
COPY --from=build /app/admin-ui ./admin-ui
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
# With CORE_PORT set (the messaging core's own port, docs/identity.md), publish that port too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1, so SIGTERM reaches the service's graceful shutdown directly.
CMD ["node", "--import", "tsx", "server/main.ts"]
