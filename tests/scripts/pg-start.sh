#!/usr/bin/env bash
# Starts a throw-away PostgreSQL for the test suite (CTest fixture "postgres").
# Usage: pg-start.sh <state-dir>
# Writes <state-dir>/pg-url.txt (the URL tests connect to) and <state-dir>/pg-state (for
# pg-stop.sh). Without the PostgreSQL server binaries it writes nothing and says so loudly:
# the PostgreSQL tests then skip, loudly too.
set -euo pipefail

state_dir=${1:?usage: pg-start.sh <state-dir>}
mkdir -p "$state_dir"
url_file="$state_dir/pg-url.txt"
state_file="$state_dir/pg-state"
here=$(cd "$(dirname "$0")" && pwd)

# A server left over from an interrupted run would keep its port and data dir.
if [[ -f "$state_file" ]]; then
    "$here/pg-stop.sh" "$state_dir" || true
fi
rm -f "$url_file"

bindir=""
for dir in /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        bindir=$dir # the glob sorts ascending: the newest version wins
    fi
done
if [[ -z "$bindir" ]]; then
    cat <<'MSG'
################################################################################
###  PostgreSQL server binaries NOT FOUND (/usr/lib/postgresql/*/bin/initdb).  ###
###  The PostgreSQL store tests will be SKIPPED.                               ###
###  Install the Debian package `postgresql` (./notify test does it).         ###
################################################################################
MSG
    exit 0
fi

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
run_pg() {
    if [[ $(id -u) -ne 0 ]]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

tmp=$(mktemp -d /tmp/notify-pg.XXXXXX)
chmod 755 "$tmp"
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$tmp"
fi
echo "tmp=$tmp" >"$state_file"
echo "bindir=$bindir" >>"$state_file"

run_pg "$bindir/initdb" -D "$tmp/data" -U postgres -A trust --no-sync -E UTF8 \
    --locale=C >"$tmp/initdb.log" 2>&1 || {
    cat "$tmp/initdb.log"
    echo "pg-start: initdb failed" >&2
    exit 1
}

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
    else
        local p
        for p in $(shuf -i 20000-60000 -n 50); do
            if ! ss -ltnH "sport = :$p" | grep -q .; then
                echo "$p"
                return
            fi
        done
        return 1
    fi
}

started=""
for attempt in 1 2 3; do
    port=$(free_port)
    # Durability is pointless for a throw-away test server; speed is not.
    options="-k $tmp -p $port -c listen_addresses=127.0.0.1 -c fsync=off"
    options+=" -c full_page_writes=off -c max_connections=100"
    if run_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 30 start \
        -o "$options" >/dev/null; then
        started=$port
        break
    fi
    echo "pg-start: start on port $port failed (attempt $attempt)" >&2
done
if [[ -z "$started" ]]; then
    cat "$tmp/server.log" >&2 || true
    exit 1
fi
echo "port=$started" >>"$state_file"
# For pg-restart.sh: the same server on the same port.
echo "options=$options" >>"$state_file"

for _ in $(seq 1 100); do
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$started"; then
        break
    fi
    sleep 0.1
done
"$bindir/pg_isready" -h 127.0.0.1 -p "$started"

run_pg "$bindir/createdb" -h 127.0.0.1 -p "$started" -U postgres notify_test
echo "postgres://postgres@127.0.0.1:$started/notify_test" >"$url_file"
echo "pg-start: PostgreSQL ($bindir) on 127.0.0.1:$started, data in $tmp"
