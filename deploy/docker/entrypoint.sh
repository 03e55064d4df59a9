#!/bin/sh
# Container entry point: `assay-entrypoint <service> [args]` starts one Assay service; anything else runs as
# given (e.g. `node cli/dist/main.js`). exec: the command replaces this shell, so the signals tini (PID 1)
# forwards reach it directly.
set -eu
case "${1:-}" in
  ingest | worker | aggregator)
    service="$1"
    shift
    exec node "/app/services/${service}/dist/main.js" "$@"
    ;;
esac
exec "$@"
