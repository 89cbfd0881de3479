#!/bin/sh
# The shared PostgreSQL store against the local one: starts PostgreSQL 18 with pgvector on loopback
# (scripts/postgres.sh), runs `whet-bench store` on a BEIR collection (default ../shared/bench/cranfield) with
# 100,000 vectors for the HNSW figures, then on any further collections given (e.g. the gcide speed corpus made
# by ../shared/bench/make_speed_corpus.py) without vectors, and stops the server.
#
#   Tests/bench/store-bench.sh [COLLECTION...]
set -eu
cd "$(dirname "$0")/../.."
swift build -c release --product whet-bench
dir=$(mktemp -d /tmp/whet-store-bench-XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/postgres.sh start "$dir" "$port" pgvector
trap 'scripts/postgres.sh stop "$dir"; rm -rf "$dir"' EXIT
export PGPASSWORD=whet-test
"$(scripts/postgres.sh bin pgvector)/createdb" -h 127.0.0.1 -p "$port" -U whet bench
url="postgresql://whet@127.0.0.1:$port/bench"
first=${1:-../shared/bench/cranfield}
.build/release/whet-bench store "$first" --url "$url" --vectors 100000
[ $# -gt 0 ] && shift
for collection in "$@"; do
    .build/release/whet-bench store "$collection" --url "$url"
done
