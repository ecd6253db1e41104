#!/usr/bin/env bash
# Installs what the test tiers need on a Debian machine run as root, idempotently and fast when all
# is present: ZooKeeper (Debian's package, with its JRE), curl (the Marathon tests run the seed's
# exact curl command), openssl (a self-signed certificate for the HTTPS health-check test) and dig
# (Debian's dnsutils: the DNS tests query the server with it). Elsewhere it checks and names what is missing.
set -euo pipefail

ZK_SERVER=/usr/share/zookeeper/bin/zkServer.sh
missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ -x "$ZK_SERVER" ] || missing+=(zookeeper)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v dig >/dev/null 2>&1 || missing+=(dnsutils)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  [ -x "$ZK_SERVER" ] || { echo "provision: $ZK_SERVER is still missing after installing zookeeper" >&2; exit 1; }
  command -v dig >/dev/null 2>&1 || { echo "provision: dig is still missing after installing dnsutils" >&2; exit 1; }
  exit 0
fi
echo "provision: missing ${missing[*]}: install Debian's packages (apt-get install ${missing[*]}) or set MESOLITE_ZK_SERVER to a zkServer.sh" >&2
exit 1
