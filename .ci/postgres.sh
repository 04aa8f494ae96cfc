#!/usr/bin/env bash
# Start a local PostgreSQL for the SQL store tests and print its URL on stdout (nothing else).
#
#   export HAYRICK_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"
#
# Idempotent: installs the Debian package only when it is missing, creates the cluster,
# role and database only when they are missing, and leaves a running server running.
# Everything but the URL goes to stderr. Needs root (or sudo) for apt-get and the postgres user.
set -euo pipefail

PG_USER="${HAYRICK_PG_USER:-hayrick}"
PG_PASSWORD="${HAYRICK_PG_PASSWORD:-hayrick}"
PG_DB="${HAYRICK_PG_DB:-hayrick_test}"
PG_PORT="${HAYRICK_PG_PORT:-5432}"
PG_CLUSTER="${HAYRICK_PG_CLUSTER:-main}"

log() { echo "postgres.sh: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing the Debian package postgresql"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v cluster="$PG_CLUSTER" '$1 == v && $2 == cluster {found = 1} END {exit !found}'; then
    log "creating cluster $version/$PG_CLUSTER on port $PG_PORT"
    as_root pg_createcluster "$version" "$PG_CLUSTER" --port="$PG_PORT" >&2
fi
cluster_port="$(pg_lsclusters -h | awk -v v="$version" -v cluster="$PG_CLUSTER" '$1 == v && $2 == cluster {print $3}')"
if [ "$cluster_port" != "$PG_PORT" ]; then
    log "cluster $version/$PG_CLUSTER listens on port $cluster_port, not $PG_PORT; using $cluster_port"
    PG_PORT="$cluster_port"
fi

if ! pg_lsclusters -h | awk -v v="$version" -v cluster="$PG_CLUSTER" '$1 == v && $2 == cluster && $4 == "online" {found = 1} END {exit !found}'; then
    log "starting cluster $version/$PG_CLUSTER"
    as_root pg_ctlcluster "$version" "$PG_CLUSTER" start >&2
fi
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then break; fi
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PG_PORT" >&2 || {
    log "the server did not come up; see /var/log/postgresql/postgresql-$version-$PG_CLUSTER.log"
    exit 1
}

psql_admin() { as_postgres psql -v ON_ERROR_STOP=1 -q -X -p "$PG_PORT" -d postgres "$@"; }
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
    log "creating role $PG_USER"
    psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN PASSWORD '$PG_PASSWORD'" >&2
else
    psql_admin -c "ALTER ROLE \"$PG_USER\" LOGIN PASSWORD '$PG_PASSWORD'" >&2
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
    log "creating database $PG_DB"
    psql_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\"" >&2
fi
# A throwaway test database: commits need not wait for the disk (halves the tests' time; this
# database only, the server's other databases keep their settings).
psql_admin -c "ALTER DATABASE \"$PG_DB\" SET synchronous_commit = off" >&2

echo "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
