#!/bin/sh
# The image's build step, also run by infra/test/image.test.ts: one service compiled and laid out
# as it runs in the image, in OUT (a fresh directory): dist/ (the bundle, scripts/build.mjs), the
# service's package.json and files (templates), and node_modules with only its production npm
# packages, flat (`pnpm deploy --prod`, hoisted: the bundle imports them by name from dist/).
# The workspace packages' TypeScript sources that deploy copies are removed: the bundle has them.
# Usage: sh infra/image/assemble.sh SERVICE OUT   (SERVICE as in @sp/SERVICE, e.g. webhooks-service)
set -eu
service=${1:?usage: assemble.sh SERVICE OUT}
out=${2:?usage: assemble.sh SERVICE OUT}
cd "$(dirname "$0")/../.."
rm -rf "$out"
pnpm --filter "@sp/$service" --config.node-linker=hoisted deploy --prod --legacy --prefer-offline "$out" >/dev/null
# Built straight into the output (not into the workspace's dist/, which tests may be running).
rm -rf "$out/node_modules/@sp" "$out/src" "$out/test" "$out/tsconfig.json" "$out/vitest.config.ts" "$out/dist"
node scripts/build.mjs --dist "$out/dist" "$service"
test -f "$out/dist/main.js"
