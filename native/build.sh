#!/bin/sh
# Builds the native addon when its sources exist (node-gyp against the installed Node headers).
set -e
cd "$(dirname "$0")"
[ -f binding.gyp ] || exit 0
npm_config_nodedir="${npm_config_nodedir:-/usr}" npx node-gyp rebuild --release >/dev/null
echo "native: built $(ls build/Release/*.node)"
