#!/usr/bin/env bash
# Back up the casework database (pg_dump custom format, restorable with pg_restore) and the private files.
# Usage: deploy/backup.sh DIRECTORY   (DATABASE_URL and PRIVATE_ROOT from the environment; keeps 30 days)
set -euo pipefail
target=${1:?usage: backup.sh DIRECTORY}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$target"
umask 077
pg_dump --format=custom --no-owner --file="$target/casework-$stamp.dump" "$DATABASE_URL"
tar -C "$(dirname "$PRIVATE_ROOT")" -czf "$target/private-$stamp.tar.gz" "$(basename "$PRIVATE_ROOT")"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$target/casework-$stamp.dump" >/dev/null
find "$target" -name 'casework-*.dump' -mtime +30 -delete
find "$target" -name 'private-*.tar.gz' -mtime +30 -delete
echo "backup written: $target/casework-$stamp.dump"
