#!/usr/bin/env bash
# Packaging test: runs cpack (DEB and TGZ) on the build tree, checks the packages' metadata
# and contents, runs the server package's postinst against a scratch root, starts the
# unpacked notifyd with the shipped config and the generated secrets, checks /healthz, and
# verifies the systemd unit where systemd-analyze can.
#
#   test_packaging.sh --build-dir DIR --source-dir DIR --cpack CPACK --version X.Y.Z
#                     --components "server;console"
set -euo pipefail

build_dir='' source_dir='' cpack=cpack version='' components=server
while (($#)); do
    case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --source-dir) source_dir=$2; shift 2 ;;
        --cpack) cpack=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --components) components=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ -n $build_dir && -n $source_dir && -n $version ]] || { echo "missing arguments" >&2; exit 2; }

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
skip() { skipped=$((skipped + 1)); echo "skip - $*"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# Stops at once: later checks make no sense without this one.
require() {
    local what=$1; shift
    if "$@"; then ok "$what"; else not_ok "$what"; summary; exit 1; fi
}
not() { ! "$@"; }
has_glob() { compgen -G "$1" >/dev/null; }
summary() { echo "$passed passed, $failed failed, $skipped skipped"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/notify-packaging.XXXXXX")
server_pid=
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

arch=$(dpkg --print-architecture)
has_component() { [[ ";$components;" == *";$1;"* ]]; }

# --- cpack -------------------------------------------------------------------------------

cpack_ran() {
    (cd "$build_dir" && "$cpack" --config CPackConfig.cmake -G "DEB;TGZ" -B "$work/out") \
        >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; return 1; }
}
require "cpack -G 'DEB;TGZ' succeeds" cpack_ran

deb=$work/out/notifyd_${version}-1_${arch}.deb
tgz=$(compgen -G "$work/out/notifyd-${version}-*.tar.gz" | head -n 1 || true)
require "notifyd .deb produced ($(basename "$deb"))" test -f "$deb"
check "notifyd .tar.gz produced" test -n "$tgz"

# --- server package: metadata ------------------------------------------------------------

field() { dpkg-deb -f "$1" "$2"; }
depends=$(field "$deb" Depends)
echo "# notifyd Depends: $depends"
check "Package is notifyd" test "$(field "$deb" Package)" = notifyd
check "Version is ${version}-1" test "$(field "$deb" Version)" = "${version}-1"
check "Architecture is $arch" test "$(field "$deb" Architecture)" = "$arch"
# The server speaks WebSocket and HTTP with its own code (server/websocket, server/api):
# neither Qt WebSockets nor Qt HttpServer is needed at run time.
for pkg in libqt6core6 libqt6network6 libqt6sql6 libqt6sql6-sqlite adduser; do
    check "notifyd depends on $pkg" grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends"
done
check "notifyd does not depend on Qt HttpServer" \
    not grep -Eq "(^|, )libqt6httpserver6( |,|$)" <<<"$depends"
check "notifyd has no GUI dependency" \
    not grep -Eiq 'libqt6(gui|widgets|opengl)|qpa|libx11|libgl' <<<"$depends"

info=$(dpkg-deb -I "$deb")
for script in postinst prerm postrm conffiles; do
    check "control archive has $script" grep -Eq "^ .* $script( |$)" <<<"$info"
done
mkdir -p "$work/control"
dpkg-deb -e "$deb" "$work/control"
check "conffiles lists /etc/notifyd/notifyd.conf" grep -qx /etc/notifyd/notifyd.conf \
    "$work/control/conffiles"
check "maintainer scripts are executable" \
    test -x "$work/control/postinst" -a -x "$work/control/prerm" -a -x "$work/control/postrm"

# --- server package: contents ------------------------------------------------------------

contents=$(dpkg-deb -c "$deb")
has_path() { grep -Eq "[[:space:]]\\./$1\$" <<<"$contents"; }
for path in usr/bin/notifyd etc/notifyd/notifyd.conf usr/lib/systemd/system/notifyd.service \
    usr/share/man/man1/notifyd.1.gz usr/share/doc/notifyd/operations.md \
    usr/share/doc/notifyd/configuration.md usr/share/doc/notifyd/examples/nginx/notifyd.conf; do
    check "notifyd .deb contains /$path" has_path "$path"
done
check "notifyd .deb installs nothing under /usr/local" not grep -q '\./usr/local' <<<"$contents"
check "notifyd .deb files are owned by root" \
    not grep -Evq '^[^ ]+ root/root ' <<<"$contents"
check "/usr/bin/notifyd is executable" grep -Eq '^-rwxr-xr-x .* \./usr/bin/notifyd$' <<<"$contents"

if [[ -n $tgz ]]; then
    tgz_list=$(tar -tzf "$tgz")
    for path in usr/bin/notifyd etc/notifyd/notifyd.conf usr/lib/systemd/system/notifyd.service; do
        check "notifyd .tar.gz contains $path" grep -Eq "^(\\./)?$path\$" <<<"$tgz_list"
    done
fi

root=$work/root
dpkg-deb -x "$deb" "$root"
unit=$root/usr/lib/systemd/system/notifyd.service
for directive in 'User=notifyd' 'StateDirectory=notifyd' 'NoNewPrivileges=yes' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'RestrictAddressFamilies=AF_' \
    'Restart=on-failure' 'EnvironmentFile=/etc/notifyd/secrets.env' \
    'ExecStart=/usr/bin/notifyd --config /etc/notifyd/notifyd.conf' \
    'WantedBy=multi-user.target'; do
    check "unit has $directive" grep -q "^$directive" "$unit"
done

# Every option of `notifyd --help` is documented in the man page.
help=$("$root/usr/bin/notifyd" --help)
manual=$(gzip -dc "$root/usr/share/man/man1/notifyd.1.gz" | sed 's/\\-/-/g')
undocumented=
while read -r option; do
    grep -q -- "$option" <<<"$manual" || undocumented+=" $option"
done < <(grep -oE '^  --[a-z-]+' <<<"$help" | sed 's/^ *//')
check "man page documents every --help option${undocumented:+ (missing:$undocumented)}" \
    test -z "$undocumented"
check "man page has the package version" grep -q "notifyd $version" <<<"$manual"

# --- postinst against a scratch root -----------------------------------------------------
# DPKG_ROOT points its files at the scratch root; the commands that would change the host
# (users, ownership, systemd) are replaced by stubs that record their calls.

stubs=$work/stubs
mkdir -p "$stubs"
for cmd in getent adduser addgroup chown deb-systemd-helper deb-systemd-invoke systemctl; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\nexit 0\n' "$cmd" "$work" >"$stubs/$cmd"
    chmod +x "$stubs/$cmd"
done
run_postinst() {
    DPKG_ROOT=$root PATH=$stubs:$PATH sh "$work/control/postinst" "$@" >>"$work/postinst.log" 2>&1
}
secrets=$root/etc/notifyd/secrets.env
secret_of() { sed -n "s/^$1=//p" "$secrets" | tail -n 1; }

require "postinst configure succeeds" run_postinst configure
check "postinst generated secrets.env" test -f "$secrets"
for variable in NOTIFY_JWT_SECRET NOTIFY_API_KEYS NOTIFY_ADMIN_KEY; do
    value=$(secret_of "$variable")
    check "$variable is generated (>= 32 bytes)" test "${#value}" -ge 32
done
check "secrets.env is mode 0640" test "$(stat -c %a "$secrets")" = 640
check "secrets.env is given to root:notifyd" grep -q "^chown root:notifyd $secrets" "$work/calls"
check "the state directory is created" test -d "$root/var/lib/notifyd"
check "postinst enables the unit" grep -q "^deb-systemd-helper enable notifyd.service" \
    "$work/calls"
check "postinst starts nothing under DPKG_ROOT" \
    not grep -Eq '^(systemctl|deb-systemd-invoke) ' "$work/calls"
check "the shipped notifyd.conf is left untouched by postinst" \
    cmp -s "$root/etc/notifyd/notifyd.conf" "$source_dir/installer/notifyd.conf"

before=$(sha256sum <"$secrets")
run_postinst configure "0.0.1-1"
check "an upgrade keeps the secrets" test "$(sha256sum <"$secrets")" = "$before"

# A key the administrator set in notifyd.conf is not shadowed by a generated one.
other=$work/other-root
mkdir -p "$other/etc/notifyd"
printf 'admin-key = from-the-conf-file\n' >"$other/etc/notifyd/notifyd.conf"
DPKG_ROOT=$other PATH=$stubs:$PATH sh "$work/control/postinst" configure >/dev/null 2>&1
check "postinst skips a secret already set in notifyd.conf" \
    not grep -q '^NOTIFY_ADMIN_KEY=' "$other/etc/notifyd/secrets.env"
check "... and still generates the others" \
    grep -q '^NOTIFY_JWT_SECRET=' "$other/etc/notifyd/secrets.env"

# --- run the unpacked server ---------------------------------------------------------------

notifyd=$root/usr/bin/notifyd
conf=$root/etc/notifyd/notifyd.conf
overrides=(--listen 127.0.0.1:0 --api-listen 127.0.0.1:0 --data-dir "$work/data")

# Without the secrets it must refuse to start (exit 2), not run open.
set +e
env -u NOTIFY_JWT_SECRET -u NOTIFY_API_KEYS -u NOTIFY_ADMIN_KEY \
    "$notifyd" --config "$conf" "${overrides[@]}" >"$work/nosecret.log" 2>&1
code=$?
set -e
check "without secrets notifyd refuses to start (exit $code)" test "$code" -eq 2
check "... and says which secret is missing" grep -q -- "--jwt-secret" "$work/nosecret.log"

mkdir -p "$work/data"
(
    set -a
    # shellcheck disable=SC1090
    . "$secrets"
    set +a
    exec "$notifyd" --config "$conf" "${overrides[@]}"
) >"$work/notifyd.log" 2>&1 &
server_pid=$!

# Port 0 avoids guessing a free port; the server logs the one it got. Bounded wait.
api_port=
for _ in $(seq 1 300); do
    api_port=$(sed -n 's/.*API on [0-9.]*:\([0-9][0-9]*\).*/\1/p' "$work/notifyd.log" | head -n 1)
    [[ -n $api_port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $api_port ]]; then
    cat "$work/notifyd.log"
fi
require "unpacked notifyd starts with the shipped config and generated secrets" \
    test -n "$api_port"

base=http://127.0.0.1:$api_port
healthy=
for _ in $(seq 1 100); do
    if body=$(curl -fsS --max-time 2 "$base/healthz" 2>/dev/null); then
        healthy=$body
        break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
check "GET /healthz answers ok ($healthy)" grep -q '"status" *: *"ok"' <<<"$healthy"

ready=
for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)
    [[ $code == 200 ]] && { ready=yes; break; }
    sleep 0.1
done
check "GET /readyz becomes ready" test -n "$ready"
check "the SQLite database is in the overridden data dir" test -f "$work/data/notify.db"

api_key=$(secret_of NOTIFY_API_KEYS)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    -H "Authorization: Bearer $api_key" "$base/api/v1/stats" || true)
check "the generated API key is accepted (HTTP $code)" test "$code" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
    -H "Authorization: Bearer not-the-key" "$base/api/v1/stats" || true)
check "a wrong API key is refused (HTTP $code)" test "$code" = 401
metrics=$(curl -fsS --max-time 5 "$base/metrics" || true)
check "GET /metrics serves Prometheus text" grep -q '^# TYPE notify_' <<<"$metrics"

kill -TERM "$server_pid"
set +e
wait "$server_pid"
code=$?
set -e
server_pid=
check "SIGTERM stops notifyd with exit code 0 (got $code)" test "$code" -eq 0
leaked=
for variable in NOTIFY_JWT_SECRET NOTIFY_API_KEYS NOTIFY_ADMIN_KEY; do
    grep -qF -- "$(secret_of "$variable")" "$work/notifyd.log" && leaked+=" $variable"
done
check "no secret appears in the log${leaked:+ (leaked:$leaked)}" test -z "$leaked"

# --- systemd-analyze verify ---------------------------------------------------------------

if ! command -v systemd-analyze >/dev/null 2>&1; then
    skip "systemd-analyze verify (systemd-analyze not installed)"
else
    # verify insists that ExecStart's binary exists; point it at the unpacked one and check
    # everything else in the shipped unit as it is. --man=no: man pages may not be installed.
    mkdir -p "$work/verify"
    sed "s|^ExecStart=/usr/bin/notifyd |ExecStart=$root/usr/bin/notifyd |" "$unit" \
        >"$work/verify/notifyd.service"
    set +e
    systemd-analyze verify --man=no "$work/verify/notifyd.service" >"$work/verify.log" 2>&1
    code=$?
    set -e
    # What a container without a booted systemd says about itself, not about the unit.
    environment='Unit [a-z.-]+\.target not found|Failed to (connect to|initialize|set up|setup)|bus|Operation not permitted|Permission denied|Read-only file system'
    unit_problems=$(grep -Ev "$environment" "$work/verify.log" | grep 'notifyd\.service' || true)
    if [[ -n $unit_problems ]]; then
        cat "$work/verify.log"
        not_ok "systemd-analyze verify notifyd.service"
    elif ((code == 0)); then
        ok "systemd-analyze verify notifyd.service"
    else
        skip "systemd-analyze verify (not usable here: $(head -n 1 "$work/verify.log"))"
    fi
fi

# --- console package ------------------------------------------------------------------------

if has_component console; then
    cdeb=$work/out/notify-console_${version}-1_${arch}.deb
    require "notify-console .deb produced" test -f "$cdeb"
    check "notify-console .tar.gz produced" has_glob "$work/out/notify-console-${version}-*.tar.gz"
    cdepends=$(field "$cdeb" Depends)
    echo "# notify-console Depends: $cdepends"
    check "Package is notify-console" test "$(field "$cdeb" Package)" = notify-console
    for pkg in libqt6widgets6 libqt6core6 qt6-qpa-plugins libqt6svg6; do
        check "notify-console depends on $pkg" grep -Eq "(^|, )$pkg( |,|$)" <<<"$cdepends"
    done
    ccontents=$(dpkg-deb -c "$cdeb")
    check "notify-console .deb contains /usr/bin/notify-console" \
        grep -Eq '^-rwxr-xr-x .* \./usr/bin/notify-console$' <<<"$ccontents"
    check "notify-console .deb contains a desktop entry" \
        grep -Eq '\./usr/share/applications/[^/]+\.desktop$' <<<"$ccontents"
    check "notify-console .deb contains an icon in the hicolor theme" \
        grep -Eq '\./usr/share/icons/hicolor/[^/]+/apps/[^/]+\.(svg|png)$' <<<"$ccontents"
    if has_glob "$source_dir/translations/*.ts"; then
        for ts in "$source_dir"/translations/*.ts; do
            qm=$(basename "${ts%.ts}").qm
            check "notify-console .deb contains translation $qm" \
                grep -Eq "\./usr/share/notify-console/translations/$qm\$" <<<"$ccontents"
        done
    fi
    check "notify-console .deb holds no server files" \
        not grep -Eq '\./(etc/notifyd|usr/bin/notifyd$)' <<<"$ccontents"
    croot=$work/console-root
    dpkg-deb -x "$cdeb" "$croot"
    if command -v desktop-file-validate >/dev/null 2>&1; then
        for desktop in "$croot"/usr/share/applications/*.desktop; do
            check "desktop-file-validate $(basename "$desktop")" desktop-file-validate "$desktop"
        done
    fi
    # The icon named by the desktop entry is the one shipped.
    for desktop in "$croot"/usr/share/applications/*.desktop; do
        icon=$(sed -n 's/^Icon=//p' "$desktop" | head -n 1)
        check "the desktop entry's icon '$icon' is shipped" \
            has_glob "$croot/usr/share/icons/hicolor/*/apps/$icon.*"
        exec_line=$(sed -n 's/^Exec=//p' "$desktop" | head -n 1)
        check "the desktop entry runs notify-console ($exec_line)" \
            grep -Eq '^(/usr/bin/)?notify-console( |$)' <<<"$exec_line"
    done
else
    skip "notify-console package (no notify-console target in this build)"
fi

summary
((failed == 0))
