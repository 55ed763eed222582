#!/bin/sh
# The browser tests drive Debian's chromium through Playwright (Playwright's own browser
# download cannot reach its CDN from our machines). Installs it when it is missing.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests need it)" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
