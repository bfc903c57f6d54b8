#!/usr/bin/env bash
# Installs the system tools the local runtime and the tests need: tcpdump (the Network Watcher
# emulator's capture agent) and tshark (reading captures back) for `run` (npm start, npm run demo);
# for `test` also capinfos (the pcap benchmark's reference) and chromium (the headless browser the
# ops page test drives); for `package` (npm run package) only zip, and the tests also use zip and
# unzip to check the deployment package. Runs apt-get only when something is missing and we are root; otherwise says
# how to get them.
set -euo pipefail
purpose="${1:-test}"
missing=()
if [ "$purpose" != "package" ]; then
  command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
  command -v tshark >/dev/null 2>&1 || missing+=(tshark)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
fi
if [ "$purpose" = "test" ]; then
  command -v capinfos >/dev/null 2>&1 || missing+=(wireshark-common)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
fi
if [ "$purpose" = "test" ] || [ "$purpose" = "package" ]; then
  command -v zip >/dev/null 2>&1 || missing+=(zip)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "install-system-deps: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front so the install never blocks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# One retry: a mirror hiccup should not fail a whole CI run.
for attempt in 1 2; do
  if apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "install-system-deps: apt-get failed (attempt $attempt)" >&2
  sleep 5
done
exit 1
