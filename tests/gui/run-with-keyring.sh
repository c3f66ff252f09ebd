#!/bin/sh
# Runs one test inside a D-Bus session of its own with a real Secret Service: gnome-keyring's
# daemon, its login keyring created and unlocked with a throw-away password in a temporary
# HOME. Nothing of the user's own keyring or session is touched. Exits 77 (skipped) when
# dbus-run-session or gnome-keyring-daemon is missing (installer/deps-test.txt installs them).
set -eu
command -v dbus-run-session >/dev/null || { echo "skip: no dbus-run-session"; exit 77; }
command -v gnome-keyring-daemon >/dev/null || { echo "skip: no gnome-keyring-daemon"; exit 77; }
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
       XDG_RUNTIME_DIR="$home/run" NOTIFY_CONSOLE_KEYRING=1
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- sh -c '
    # --unlock reads the password from stdin and creates the login keyring, the one the
    # Secret Service default alias points at; the daemon stays for the session.
    printf "notify-test\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' sh "$@"
