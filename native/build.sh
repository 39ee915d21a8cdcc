#!/bin/sh
# Builds the native addon when its sources exist (node-gyp against the installed Node headers).
#   sh native/build.sh          → native/build/Release/konnekt_fuse.node
#   sh native/build.sh --asan   → native/build-asan/build/Release/konnekt_fuse.node (ASan + UBSan)
set -e
cd "$(dirname "$0")"
[ -f binding.gyp ] || exit 0
if ! pkg-config --exists fuse3; then
  echo "native: libfuse3 development files are missing: apt-get install libfuse3-dev fuse3" >&2
  exit 1
fi
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ "$1" = "--asan" ]; then
  # A separate tree so the sanitizer build never replaces the release one.
  mkdir -p build-asan
  ln -sfn ../src build-asan/src
  cp binding.gyp build-asan/binding.gyp
  (cd build-asan && npx node-gyp rebuild --release -- -Dkonnekt_asan=1 >/dev/null)
  echo "native: built $(ls build-asan/build/Release/*.node)"
  exit 0
fi
npx node-gyp rebuild --release >/dev/null
echo "native: built $(ls build/Release/*.node)"
