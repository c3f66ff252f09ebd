#!/usr/bin/env bash
# Saves docs/images/console.png: a real notifyd on loopback, a few live clients, a test
# notification, and the console connected to it, rendered under Xvfb.
#
#   console/screenshot.sh [build-dir] [output.png]     (defaults: build/ci, docs/images/console.png)
#   NOTIFY_SCREENSHOT_TAB=all console/screenshot.sh    every tab and the user view, as
#                                                      docs/images/console-<tab>.png
#
# Needs xvfb-run (Debian package xvfb) and the SVG plugins (libqt6svg6); installs them with
# apt-get when they are missing and it runs as root.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/ci}"
out="${2:-$root/docs/images/console.png}"
tab="${NOTIFY_SCREENSHOT_TAB:-0}"

need_pkgs=()
command -v xvfb-run >/dev/null || need_pkgs+=(xvfb xauth)
[ -e /usr/lib/x86_64-linux-gnu/qt6/plugins/iconengines/libqsvgicon.so ] || need_pkgs+=(libqt6svg6)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y "${need_pkgs[@]}"
    else
        echo "screenshot.sh: please install ${need_pkgs[*]}" >&2
        exit 1
    fi
fi

cmake --build "$build" -j2 --target notifyd notify-console notify-console-demo-clients

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Free ports chosen by the kernel, so that the script never collides with a running server.
read -r client_port api_port < <(python3 -c '
import socket
s1, s2 = socket.socket(), socket.socket()
s1.bind(("127.0.0.1", 0)); s2.bind(("127.0.0.1", 0))
print(s1.getsockname()[1], s2.getsockname()[1])')

secret="screenshot-secret-0123456789-abcdefghijklmnop"
admin_key="screenshot-admin-key"
api_key="screenshot-api-key"
export NOTIFY_JWT_SECRET="$secret" NOTIFY_API_KEYS="$api_key"
"$build/server/notifyd" --listen "127.0.0.1:$client_port" --api-listen "127.0.0.1:$api_port" \
    --data-dir "$work" --db "$work/notify.db" --admin-key "$admin_key" --api-key "$api_key" \
    >"$work/notifyd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$api_port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done

urls=()
for spec in acme:alice:admin acme:alice acme:bob globex:carol globex:dave:support initech:peter; do
    IFS=: read -r org user role <<<"$spec"
    token="$("$build/server/notifyd" token --org "$org" --user "$user" ${role:+--role "$role"} --ttl 3600)"
    urls+=("ws://127.0.0.1:$client_port/ws/notifications?token=$token")
done
"$build/console/notify-console-demo-clients" "${urls[@]}" &
pids+=($!)

# Some traffic so the counters and the chart move.
publish() {
    curl -fsS -H 'Expect:' -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
        -d "$1" "http://127.0.0.1:$api_port/api/v1/notifications" >/dev/null
}
( for i in $(seq 8); do
      publish "{\"orgId\":\"acme\",\"userIds\":[\"alice\",\"bob\"],\"type\":\"CLAIM_REJECTED\",\"title\":\"Claim $i rejected\"}" || true
      sleep 0.4
  done ) &
pids+=($!)

mkdir -p "$(dirname "$out")"
# shot <tab index> <file> [extra options]: a fresh profile folder each time (no saved window
# state, no connect dialog).
shot() {
    local index=$1 file=$2
    shift 2
    XDG_DATA_HOME="$work/xdg-data-$index" XDG_CONFIG_HOME="$work/xdg-config-$index" \
        xvfb-run -a -s "-screen 0 1280x860x24" \
        "$build/console/notify-console" --connect "ws://127.0.0.1:$api_port/admin" \
        --admin-key "$admin_key" --tab "$index" --screenshot "$file" --screenshot-delay 4000 "$@"
    echo "wrote $file"
}
if [ "$tab" = all ]; then
    dir="$(dirname "$out")"
    # The tab order of MainWindow::Tab.
    names=(connections rooms deliveries notifications user send-test log nodes)
    for i in "${!names[@]}"; do
        if [ "${names[$i]}" = user ]; then
            shot "$i" "$dir/console-user.png" --user acme:alice
        else
            shot "$i" "$dir/console-${names[$i]}.png"
        fi
    done
else
    shot "$tab" "$out"
fi
