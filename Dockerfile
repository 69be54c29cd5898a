# syntax=docker/dockerfile:1
# One image for every service: SERVICE (an environment variable, set by docker-compose and the
# Kubernetes manifests) picks which app runs. TypeScript runs through tsx, as in the tests: no
# build step, so the image holds exactly the sources and generated Prisma clients the tests ran.
ARG NODE_IMAGE=node:20-bookworm-slim

# Only the package manifests, so the dependency layer is rebuilt when they change, not on
# every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests \; \
 && cp package-lock.json /manifests/

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY --from=manifests /manifests ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=dependencies /app ./
COPY . .
# Prisma's CLI is a runtime dependency of the services, so `generate` works without dev packages.
# The touch tells bootstrap the install above is current (it would otherwise reinstall with dev
# packages when the copied lock file looks newer).
RUN touch node_modules/.package-lock.json && node tools/dev/bootstrap.mjs generate

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The code is read-only to the process; only its declared data folders are writable.
RUN mkdir -p /var/lib/deals/images && chown -R 1000:1000 /var/lib/deals
# Numeric, so Kubernetes can verify runAsNonRoot without resolving a user name.
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node is PID 1 and receives SIGTERM itself, so the services drain before they stop.
CMD ["sh", "-c", "exec node --import tsx --import @deals/service-kit/telemetry/register apps/${SERVICE:?set SERVICE to the service to run, e.g. SERVICE=catalog}/src/main.ts"]
