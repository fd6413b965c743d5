#!/usr/bin/env bash
# Creates the platform's topics (infra/topics/topics.json) on a broker; used by docker-compose's
# kafka-init container, the Kubernetes topics Job (infra/k8s) (both the apache/kafka image) and by
# hand. Idempotent, and it (re)applies the retention to topics that exist already (issue 15:
# nothing is kept forever).
#   EVENT_RETENTION_MS   event topics (default 604800000 = 7 days)
#   DLQ_RETENTION_MS     <topic>.dlq  (default 2592000000 = 30 days)
#   REPLICATION_FACTOR   default 1; MIN_INSYNC_REPLICAS is set when given
#   PARTITIONS           default: each topic's own count in topics.json
# A topic's own "retentionMs" in topics.json wins over EVENT_RETENTION_MS. The compacted
# changelog keeps compaction (latest state per key), never a time bound.
set -euo pipefail
bootstrap="${1:-kafka:9092}"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
topics_file="${TOPICS_FILE:-$(dirname "$0")/topics.json}"
replication="${REPLICATION_FACTOR:-1}"
isr=()
if [ -n "${MIN_INSYNC_REPLICAS:-}" ]; then isr=(--config "min.insync.replicas=$MIN_INSYNC_REPLICAS"); fi
event_ms="${EVENT_RETENTION_MS:-604800000}"
dlq_ms="${DLQ_RETENTION_MS:-2592000000}"

retain() { # topic ms: set on an existing topic too (--create --if-not-exists leaves its config alone)
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter --entity-type topics --entity-name "$1" \
    --add-config "cleanup.policy=delete,retention.ms=$2" >/dev/null
}

# topics.json is simple enough to read without jq (not in the Kafka image).
grep -o '{ "topic": [^}]*}' "$topics_file" | while read -r line; do
  topic=$(echo "$line" | sed -E 's/.*"topic": "([^"]+)".*/\1/')
  partitions=$(echo "$line" | sed -E 's/.*"partitions": ([0-9]+).*/\1/')
  if [ -n "${PARTITIONS:-}" ] && [ "$partitions" -gt 1 ]; then partitions="$PARTITIONS"; fi
  ms="$event_ms"
  if echo "$line" | grep -q '"retentionMs":'; then ms=$(echo "$line" | sed -E 's/.*"retentionMs": ([0-9]+).*/\1/'); fi
  if echo "$line" | grep -q '"compacted": true'; then
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
      --partitions "$partitions" --replication-factor "$replication" "${isr[@]}" \
      --config cleanup.policy=compact --config min.compaction.lag.ms=60000
  else
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
      --partitions "$partitions" --replication-factor "$replication" "${isr[@]}" --config retention.ms="$ms"
    retain "$topic" "$ms"
  fi
  if echo "$line" | grep -q '"dlq": true'; then
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic.dlq" \
      --partitions 1 --replication-factor "$replication" "${isr[@]}" --config retention.ms="$dlq_ms"
    retain "$topic.dlq" "$dlq_ms"
  fi
done
