#!/usr/bin/env bash
# `make demo`: a throwaway cluster, sample CRM data, and real analyses with
# the features that exist. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster.sh

cluster_start demo max_parallel_workers_per_gather=2
echo "cluster up (socket $PGHOST, port $PGPORT); loading sample data..."
psql -X -q -v ON_ERROR_STOP=1 -f demo/demo.sql
echo
echo "demo done; the cluster is stopped."
