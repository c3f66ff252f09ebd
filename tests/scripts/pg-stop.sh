#!/usr/bin/env bash
# Stops the PostgreSQL that pg-start.sh started and removes its files.
# Usage: pg-stop.sh <state-dir>
set -uo pipefail

state_dir=${1:?usage: pg-stop.sh <state-dir>}
state_file="$state_dir/pg-state"
rm -f "$state_dir/pg-url.txt"
if [[ ! -f "$state_file" ]]; then
    echo "pg-stop: nothing to stop"
    exit 0
fi
tmp=$(sed -n 's/^tmp=//p' "$state_file")
bindir=$(sed -n 's/^bindir=//p' "$state_file")

if [[ -n "$bindir" && -n "$tmp" && -f "$tmp/data/postmaster.pid" ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null \
            || su postgres -s /bin/sh -c "'$bindir/pg_ctl' -D '$tmp/data' -m immediate -w stop"
    else
        "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null
    fi
fi
# Only ever remove what pg-start.sh created.
if [[ "$tmp" == /tmp/notify-pg.* ]]; then
    rm -rf "$tmp"
fi
rm -f "$state_file"
echo "pg-stop: stopped"
