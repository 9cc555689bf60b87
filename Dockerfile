# syntax=docker/dockerfile:1
# matterops: the bot (`matterops serve`) and the backup runner (`matterops backup run`...) in one
# image. Built and run in CI by .ci/run with podman (scripts/image.sh); docs/install.md has the
# command, the build secret for a TLS-inspecting proxy, and what each stage is for.
ARG BASE=docker.io/library/debian:bookworm-slim

# npm, only to install the project's own Node 24 (the npm package `node`) and the dependencies.
FROM ${BASE} AS npm
RUN apt-get update && apt-get install -y --no-install-recommends npm ca-certificates binutils && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Every dependency, from the lock file alone, so this layer is reused until package-lock.json (or
# package.json) changes. The optional build secret `ca` is the CA bundle of a TLS-inspecting
# proxy, used by this step only.
FROM npm AS deps
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca,required=false \
    NODE_EXTRA_CA_CERTS=$([ -s /run/secrets/ca ] && echo /run/secrets/ca) npm ci --no-audit --no-fund --loglevel=error

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node_modules/node/bin/node node_modules/typescript/bin/tsc -p tsconfig.build.json

# The companion webapp plugin's tarball, as `make plugin` builds it (webapp/plugin-tarball.ts: the
# same sources give the same bytes), from the bundle's sources, the manifest and its icon; the
# cards' types and constants come from src/core. The image ships it beside dist/cli.js, where
# `matterops plugin install` looks when no --file is given (docs/mattermost.md).
FROM deps AS plugin
COPY tsconfig.json plugin.json ./
COPY assets ./assets
COPY src/core ./src/core
COPY webapp ./webapp
RUN node_modules/node/bin/node webapp/plugin-tarball.ts

# What runs: production dependencies and Node 24 alone (node is a devDependency of the project,
# copied over after the prune), its debug symbols stripped (121 MB to 108 MB). Optional peers go
# too (typescript, 23 MB, is one of @mattermost/client's), and what only a compiler or a reader
# uses: TypeScript sources and declarations (Node never runs .ts under node_modules), source maps,
# docs (about 50 MB, most of it @kubernetes/client-node's), and native prebuilds for other
# platforms (bare-*, 6 MB).
FROM deps AS runtime-modules
RUN cp node_modules/node/bin/node /tmp/node && strip /tmp/node \
    && npm prune --omit=dev --omit=peer --no-audit --no-fund --loglevel=error \
    && rm -rf node_modules/.cache node_modules/@types node_modules/typescript \
    && find node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.md' -o -name '*.markdown' \) -delete \
    && for p in node_modules/*/prebuilds/*; do case $p in */linux-$(/tmp/node -p process.arch)) ;; *) rm -rf "$p" ;; esac; done \
    && mkdir -p node_modules/node/bin && mv /tmp/node node_modules/node/bin/node

# pg_dump, pg_restore and psql 15 of postgresql-client-15, for the backup runner. Only these
# three binaries go to the image, with the libraries they link: the package's perl wrapper in
# /usr/bin, and perl with it (52 MB), are not needed when they are called from their own directory.
FROM ${BASE} AS pg
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 && rm -rf /var/lib/apt/lists/*

FROM ${BASE}
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="matterops" \
      org.opencontainers.image.description="ChatOps for Mattermost installations on Kubernetes: the bot and its backup runner" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/matterops/matterops" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
# The libraries pg_dump, pg_restore and psql link (libpq5 brings TLS and Kerberos), and the user.
# apt's caches go too (80 MB with a debootstrapped base, which lacks the official image's docker-clean).
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libreadline8 liblz4-1 libzstd1 zlib1g ca-certificates \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && useradd --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin matterops
COPY --from=pg /usr/lib/postgresql/15/bin/pg_dump /usr/lib/postgresql/15/bin/pg_restore /usr/lib/postgresql/15/bin/psql /usr/lib/postgresql/15/bin/
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    NODE_ENV=production \
    MATTEROPS_HTTP_LISTEN=0.0.0.0:8080 \
    MATTEROPS_HISTORY=/tmp/.matterops_history
WORKDIR /app
COPY --from=runtime-modules /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=plugin /app/dist/io.matterops.companion-*.tar.gz ./dist/
COPY package.json ./
COPY bin ./bin
COPY assets ./assets
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/app/node_modules/node/bin/node", "/app/dist/healthcheck.js"]
ENTRYPOINT ["/app/bin/matterops"]
CMD ["serve"]
