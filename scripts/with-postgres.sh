#!/usr/bin/env bash
# Start a throw-away PostgreSQL server (Debian's postgresql package) on PORT, run the command with
# DATABASE_URL pointing at it, then stop the server. Works as root: the server runs as `postgres`.
set -euo pipefail
port="$1"; shift
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL is not installed (make system-deps)"; exit 1; }
data=$(mktemp -d /tmp/dangol-pg.XXXXXX)
chmod 755 "$data"
run_as=()
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$data"
  run_as=(runuser -u postgres --)
fi
"${run_as[@]}" "$bindir/initdb" -D "$data/db" -U dangol -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -l "$data/log" -w start >/dev/null
cleanup() { "${run_as[@]}" "$bindir/pg_ctl" -D "$data/db" -m fast stop >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U dangol dangol
export DATABASE_URL="postgres://dangol@127.0.0.1:$port/dangol"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port"
"$@"
