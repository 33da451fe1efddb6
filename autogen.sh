#!/bin/sh
# Regenerates the build system (configure, Makefile.in) from configure.ac
# and Makefile.am.  The TAP driver ships with automake but is not installed
# by --add-missing, so it is copied here.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
autoreconf -fi
