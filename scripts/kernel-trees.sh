# Sourced, not run: the work tree of each kernel the harness builds, by the
# name make bench and make profile-call use, in the associative array
# ktree. Needs B (the build directory).
# shellcheck shell=bash
declare -A ktree=([base]=$B/base [patched]=$B/linux [mainline]=$B/base-7.3 [patched-7.3]=$B/linux-7.3)
