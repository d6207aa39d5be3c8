#!/usr/bin/env bash
# ESLint over the web console's modules (src/admin/console/*.js), run by .ci/run.
# The pinned packages (package.json, package-lock.json beside this script) are installed
# from the npm registry with `npm ci` into target/js-lint, once per lock file; the lint
# itself needs no network.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tools/js-lint
into=target/js-lint
if ! cmp -s "$here/package-lock.json" "$into/package-lock.json" || [ ! -x "$into/node_modules/.bin/eslint" ]; then
  rm -rf "$into"
  mkdir -p "$into"
  cp "$here/package.json" "$here/package-lock.json" "$into/"
  (cd "$into" && npm ci --no-audit --no-fund --loglevel=error)
fi
cp "$here/eslint.config.js" "$into/eslint.config.js"
"$into/node_modules/.bin/eslint" --max-warnings 0 --config "$into/eslint.config.js" src/admin/console
echo "eslint: src/admin/console clean"
