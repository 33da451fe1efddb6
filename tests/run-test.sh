#!/bin/sh
# Runs one test under the TAP driver: g_test programs get --tap, scripts are
# run as they are (they print TAP themselves).
case "$1" in
*.sh) exec "$@" ;;
*) exec "$@" --tap ;;
esac
