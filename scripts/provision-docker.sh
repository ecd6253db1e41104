#!/usr/bin/env bash
# Provisions the Docker tier, idempotently and fast when all is present:
#   1. a Docker engine: Debian's docker.io, with dockerd started in the background when nothing answers;
#   2. local stand-ins for the public images these offline machines cannot pull, built from a debootstrap
#      Debian rootfs under Mesolite's own names (never a public image's name):
#        mesolite/node-base:bookworm-local   this machine's node binary on Debian bookworm (base of the runtime image)
#        mesolite/zookeeper:3.8-local       Debian's zookeeper with its JRE, configured like the public image
#                                           (ZOO_MY_ID, ZOO_SERVERS)
#      Each carries a mesolite.content-hash label; an image whose label matches is not rebuilt.
# Run as root on Debian it installs what is missing; elsewhere it names what is missing and fails.
# Select the images with MESOLITE_NODE_IMAGE / MESOLITE_ZOOKEEPER_IMAGE (the test runner selects these
# local ones unless told otherwise); an image selected by another name is not built here.
set -euo pipefail

NODE_IMAGE=mesolite/node-base:bookworm-local
ZK_IMAGE=mesolite/zookeeper:3.8-local
MIRROR=${MESOLITE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DOCKERD_LOG=${MESOLITE_DOCKERD_LOG:-/var/log/mesolite-dockerd.log}
say() { echo "provision-docker: $*" >&2; }
is_root_debian() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "$@" >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "$@" >/dev/null; }
}

# --- 1. the engine ---------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  if docker info >/dev/null 2>&1 && [ "${missing[*]}" = debootstrap ]; then
    : # a working engine is enough when the images exist; checked below
  elif is_root_debian; then
    say "installing ${missing[*]} with apt-get"
    apt_install "${missing[@]}"
  else
    say "missing ${missing[*]}: install Docker (and Debian's debootstrap to build the local images), or run this as root on Debian"
    exit 1
  fi
fi

if ! docker info >/dev/null 2>&1; then
  if ! is_root_debian; then
    say "the Docker daemon does not answer (docker info fails): start it, or run this as root on Debian"
    exit 1
  fi
  say "starting dockerd (log: $DOCKERD_LOG)"
  # No systemd on these machines: dockerd runs detached in its own session and outlives this script.
  setsid dockerd >>"$DOCKERD_LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 150); do
    [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1 && break
    sleep 0.2
  done
  docker info >/dev/null 2>&1 || { say "dockerd did not come up; see $DOCKERD_LOG"; exit 1; }
fi

# --- 2. the local images ---------------------------------------------------------------------------
current() { [ "$(docker image inspect -f '{{index .Config.Labels "mesolite.content-hash"}}' "$1" 2>/dev/null)" = "$2" ]; }

NODE_BIN=$(readlink -f "$(command -v node)")
SELF_HASH=$(sha256sum "$0" | cut -c1-16)
NODE_HASH=$(cat "$0" "$NODE_BIN" | sha256sum | cut -c1-16)
ZK_HASH=$SELF_HASH
need_node=1; need_zk=1
{ [ "${MESOLITE_NODE_IMAGE:-$NODE_IMAGE}" != "$NODE_IMAGE" ] || current "$NODE_IMAGE" "$NODE_HASH"; } && need_node=0
{ [ "${MESOLITE_ZOOKEEPER_IMAGE:-$ZK_IMAGE}" != "$ZK_IMAGE" ] || current "$ZK_IMAGE" "$ZK_HASH"; } && need_zk=0
[ $need_node = 0 ] && [ $need_zk = 0 ] && exit 0

if ! is_root_debian || ! command -v debootstrap >/dev/null 2>&1; then
  say "images $NODE_IMAGE / $ZK_IMAGE are missing and can only be built as root on Debian with debootstrap;"
  say "or point MESOLITE_NODE_IMAGE / MESOLITE_ZOOKEEPER_IMAGE at images you have (e.g. node:22-bookworm-slim, zookeeper:3.9)"
  exit 1
fi

WORK=$(mktemp -d /var/tmp/mesolite-rootfs.XXXXXX)
cleanup() { umount "$WORK/zk/proc" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
say "debootstrap bookworm (minbase) from $MIRROR"
debootstrap --variant=minbase bookworm "$WORK/base" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
rm -rf "$WORK/base/var/cache/apt/archives/"*.deb "$WORK/base/var/lib/apt/lists/"*

import_rootfs() { # DIR IMAGE HASH CHANGES...
  local dir=$1 image=$2 hash=$3; shift 3
  local changes=(--change "LABEL mesolite.content-hash=$hash")
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$dir" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  say "built $image"
}

if [ $need_node = 1 ]; then
  # Same distribution as this machine, so its node binary and the libraries ldd lists fit the rootfs.
  cp -a "$WORK/base" "$WORK/node"
  install -m 0755 "$NODE_BIN" "$WORK/node/usr/local/bin/node"
  for lib in $(ldd "$NODE_BIN" | grep -o '/[^ ]*'); do
    [ -e "$WORK/node$lib" ] || cp -L "$lib" "$WORK/node$lib"
  done
  chroot "$WORK/node" /usr/bin/env -u NODE_EXTRA_CA_CERTS /usr/local/bin/node -e 'process.exit(0)' || { say "node does not run in the rootfs"; exit 1; }
  import_rootfs "$WORK/node" "$NODE_IMAGE" "$NODE_HASH" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["node"]'
fi

if [ $need_zk = 1 ]; then
  mv "$WORK/base" "$WORK/zk"
  mount -t proc proc "$WORK/zk/proc"
  say "installing zookeeper and its JRE in the rootfs"
  chroot "$WORK/zk" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get -q -o Acquire::Check-Valid-Until=false update && apt-get install -y -q --no-install-recommends zookeeper default-jre-headless && apt-get clean && rm -rf /var/lib/apt/lists/*' \
    >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log" >&2; exit 1; }
  umount "$WORK/zk/proc"
  # The entrypoint reads the public image's variables, so one container spec serves both images.
  cat >"$WORK/zk/usr/local/bin/zk-entrypoint" <<'EOF'
#!/bin/sh
set -e
mkdir -p /data /datalog /conf
[ -n "$ZOO_MY_ID" ] && echo "$ZOO_MY_ID" > /data/myid
{
  echo "dataDir=/data"; echo "dataLogDir=/datalog"; echo "clientPort=2181"
  echo "tickTime=${ZOO_TICK_TIME:-2000}"; echo "initLimit=${ZOO_INIT_LIMIT:-5}"; echo "syncLimit=${ZOO_SYNC_LIMIT:-2}"
  echo "admin.enableServer=false"; echo "4lw.commands.whitelist=${ZOO_4LW_COMMANDS_WHITELIST:-srvr}"
  for server in $ZOO_SERVERS; do echo "$server"; done
} > /conf/zoo.cfg
exec /usr/share/zookeeper/bin/zkServer.sh start-foreground /conf/zoo.cfg
EOF
  chmod 0755 "$WORK/zk/usr/local/bin/zk-entrypoint"
  import_rootfs "$WORK/zk" "$ZK_IMAGE" "$ZK_HASH" \
    'ENV PATH=/usr/share/zookeeper/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV ZOO_LOG_DIR=/datalog' 'EXPOSE 2181 2888 3888' 'ENTRYPOINT ["/usr/local/bin/zk-entrypoint"]'
fi
