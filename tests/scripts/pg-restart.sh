#!/usr/bin/env bash
# Stops or starts again the PostgreSQL that pg-start.sh started, keeping its data, port and
# options: for tests of what notifyd does while its database goes away and comes back.
# Usage: pg-restart.sh <state-dir> stop|start
# stop is a fast shutdown (sessions are terminated, as in a real restart or failover).
set -euo pipefail

state_dir=${1:?usage: pg-restart.sh <state-dir> stop|start}
action=${2:?usage: pg-restart.sh <state-dir> stop|start}
state_file="$state_dir/pg-state"
tmp=$(sed -n 's/^tmp=//p' "$state_file")
bindir=$(sed -n 's/^bindir=//p' "$state_file")
options=$(sed -n 's/^options=//p' "$state_file")
[[ -n "$tmp" && -n "$bindir" && -n "$options" ]] || {
    echo "pg-restart: $state_file lacks tmp, bindir or options" >&2
    exit 1
}

run_pg() {
    if [[ $(id -u) -ne 0 ]]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

case "$action" in
    stop) run_pg "$bindir/pg_ctl" -D "$tmp/data" -m fast -w -t 60 stop >/dev/null ;;
    start)
        run_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 start \
            -o "$options" >/dev/null
        ;;
    *)
        echo "pg-restart: unknown action $action (stop or start)" >&2
        exit 2
        ;;
esac
echo "pg-restart: $action done"
