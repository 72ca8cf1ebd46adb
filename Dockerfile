# Porthole gateway image: build the page and the server, then run them as a non-root user with /data as the volume.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and ssh2's native crypto compile from source; the RDP helper builds against FreeRDP 2.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ pkg-config freerdp2-dev && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci's postinstall builds the RDP helper: its sources and build script come first.
COPY scripts/build-rdp-helper.mjs ./scripts/
COPY native ./native
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# The RDP helper's run-time libraries (FreeRDP 2 client and WinPR), without the headers and compilers.
RUN apt-get update && apt-get install -y --no-install-recommends libfreerdp2-2 libfreerdp-client2-2 libwinpr2-2 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORTHOLE_DATA_DIR=/data
# Where compose.yaml mounts the sidecar's LocalAPI socket; if no socket is there, mode auto falls back to local.
ENV PORTHOLE_TAILSCALE_SOCKET=/var/run/tailscale/tailscaled.sock
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN install -d -o node -g node -m 0700 /data
USER node
VOLUME ["/data"]
# Listens in a tailscale sidecar's network namespace (Tailscale IPs and loopback), so nothing needs publishing.
EXPOSE 8470
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:8470/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server/main.js"]
