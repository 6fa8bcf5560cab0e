#!/usr/bin/env bash
# Before the tests: find the browsers and servers they run on, install what is missing from Debian, or say how.
#
# Honours CHROME_PATH, FIREFOX_PATH and REDIS_SERVER (a path, or a command on PATH).
# Never downloads a browser of its own: only Debian's packages, through apt-get.
# Quiet when everything is present: apt-get runs only for what is missing.
set -uo pipefail

# One row a package: what it is for, the env variable that overrides it, the default, and the Debian package.
rows=(
  "the browser tests|CHROME_PATH|/usr/bin/chromium|chromium"
  "the browser tests in a second engine|FIREFOX_PATH|/usr/bin/firefox-esr|firefox-esr"
  "the Redis backplane tests|REDIS_SERVER|redis-server|redis-server"
)

# Debian puts some servers in /usr/sbin, which a non-root PATH may lack.
found() { [ -x "$1" ] || PATH="$PATH:/usr/sbin" command -v "$1" >/dev/null 2>&1; }

missing=()
lines=()
for row in "${rows[@]}"; do
  IFS='|' read -r why variable default package <<<"$row"
  value=${!variable:-}
  if [ -n "$value" ]; then
    found "$value" && continue
    echo "$variable is set to '$value', which is not an executable: fix or unset $variable." >&2
    exit 1
  fi
  found "$default" && continue
  missing+=("$package")
  lines+=("  $package, for $why: apt-get install -y $package   (or set $variable to its path)")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=
if [ "$EUID" -eq 0 ]; then
  as_root=env
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
fi
if [ -z "$as_root" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need programs this machine lacks, and this script cannot install them (it needs apt-get and root or passwordless sudo):" >&2
  printf '%s\n' "${lines[@]}" >&2
  exit 1
fi

echo "Installing ${missing[*]} from Debian (once; the tests run on them: browsers, and the servers they start)"
export DEBIAN_FRONTEND=noninteractive
if ! { $as_root apt-get update -qq && $as_root apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "apt-get could not install ${missing[*]}: install them by hand (apt-get install -y ${missing[*]}) and run npm test again." >&2
  exit 1
fi
