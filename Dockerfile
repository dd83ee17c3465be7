# syntax=docker/dockerfile:1
# One image per service: docker build --build-arg SERVICE=identity -t lsc/identity:<version> .
# Build and run stages share the glibc (Debian bookworm) base, so the native binaries npm picked from the lockfile
# (Nx, SWC, sharp, @node-rs/argon2) match the platform they run on.
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build arg SERVICE is required (gateway|identity|membership|billing|notification)" >&2; exit 1)
WORKDIR /src
COPY package.json package-lock.json ./
COPY libs ./libs
RUN npm ci --no-audit --no-fund
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true
RUN npx nx run-many -t build --outputStyle=static \
 && test -f "dist/apps/${SERVICE}/main.js" \
 && test -f dist/apps/portal/index.html \
 && node scripts/web/precompress.mjs dist/apps/portal dist/apps/console
# Assemble exactly what ships: manifests, the service's dist, each lib's dist + package.json; no source maps.
# The gateway also carries the built web front-ends it serves (PORTAL_DIR/CONSOLE_DIR default to dist/apps/portal and
# dist/apps/console next to its own build). libs without a package.json (the browser's api-client) are not runtime code.
RUN mkdir -p /out/dist/apps /out/libs \
 && cp package.json package-lock.json /out/ \
 && cp -r "dist/apps/${SERVICE}" /out/dist/apps/ \
 && if [ "$SERVICE" = gateway ]; then for web in portal console; do \
      if [ -d "dist/apps/$web" ]; then cp -r "dist/apps/$web" /out/dist/apps/; fi; done; fi \
 && for lib in libs/*/; do [ -f "$lib/package.json" ] || continue; name=$(basename "$lib"); mkdir -p "/out/libs/$name"; \
      cp "$lib/package.json" "/out/libs/$name/"; \
      if [ -d "$lib/dist" ]; then cp -r "$lib/dist" "/out/libs/$name/dist"; fi; done \
 && find /out -name '*.map' -delete \
 && find /out -name '*.spec.js' -delete

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=build /out/ ./
# Workspace links (node_modules/@lsc/* -> libs/*) are recreated against the shipped libs.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && find node_modules -name '*.map' -delete

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0
WORKDIR /app
# Owned by root, read-only for the runtime user: the container also runs with a read-only root filesystem.
COPY --from=prod-deps /app/ ./
COPY deploy/docker/healthcheck.js ./healthcheck.js
# uid 1000 is the image's unprivileged `node` user; numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000-3004
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.js"]
# `docker run <image> --migrate-only` passes the flag through to the service.
ENTRYPOINT ["/bin/sh", "-c", "exec node \"dist/apps/${SERVICE}/main.js\" \"$@\"", "lsc-service"]
