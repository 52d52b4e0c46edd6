# syntax=docker/dockerfile:1
# One image for every process of the platform (see docs/DEPLOYMENT.md):
#   proxy          node --enable-source-maps dist/proxy.mjs
#   control plane  node --enable-source-maps dist/control-plane.mjs
#   embedded       node --enable-source-maps dist/embedded.mjs   (the default command)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# pnpm at the version package.json pins (packageManager), through corepack.
RUN corepack enable
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=true
COPY . .
# Every workspace package but the e2e suite: its agent CLIs (Codex, Claude Code, Gemini CLI) are ~750 MB
# that no process of the image runs (1.34 GB → 548 MB, docs/IMAGE-CHECK.md).
RUN pnpm install --frozen-lockfile --filter "!@relay/e2e"
# dist/*.mjs bundles + dist/admin; MikroORM, pino and graphql stay in node_modules (linked from
# dist/node_modules), so the runtime stage takes node_modules as installed here.
RUN pnpm build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data
WORKDIR /app
# The whole installed workspace: dist/node_modules links point into node_modules/.pnpm, and a
# production-only install would name those folders differently (peer-dependency suffixes).
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# SIGTERM drains: keep the orchestrator's stop timeout above SHUTDOWN_GRACE_MS (compose: stop_grace_period).
STOPSIGNAL SIGTERM
# No curl in the slim image: node's fetch asks /healthz on the process's own port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/embedded.mjs"]
