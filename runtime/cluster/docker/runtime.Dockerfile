# The runtime image: one Node base plus the self-contained bundle, the Docker client it loads for Docker
# tasks, and node-pty (native: the agent's TTY sessions); its command picks the daemon (master, agent, marathon). Built by
# runtime/cluster/docker/images.ts, tagged with a content hash.
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE}
COPY mesolite.js mesolite-dockerode.js /opt/mesolite/
COPY node_modules /opt/mesolite/node_modules
WORKDIR /var/lib/mesolite
ENTRYPOINT ["node", "/opt/mesolite/mesolite.js"]
