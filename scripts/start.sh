#!/bin/sh
# README command 1: install what is needed, build, and start the router shell
# with the example startup-config (userspace data plane, local AAA).
# The startup-config lives in ~/.ikesh/startup-config, so that write memory
# never edits the shipped example.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/build"
mkdir -p "$HOME/.ikesh"
[ -f "$HOME/.ikesh/startup-config" ] || cp "$top/examples/startup-config" "$HOME/.ikesh/startup-config"
exec "$top/build/ikesh" -f "$HOME/.ikesh/startup-config" --dataplane userspace --socket "$HOME/.ikesh/ikesh.sock" "$@"
