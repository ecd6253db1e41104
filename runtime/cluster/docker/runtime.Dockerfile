# The runtime image: one Node base plus the self-contained bundle; its command picks the daemon
# (master, agent, marathon). Built by runtime/cluster/docker/images.ts, tagged with a content hash.
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE}
COPY mesolite.js /opt/mesolite/mesolite.js
WORKDIR /var/lib/mesolite
ENTRYPOINT ["node", "/opt/mesolite/mesolite.js"]
