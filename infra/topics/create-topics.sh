#!/usr/bin/env bash
# Creates the platform's topics (infra/topics/topics.json) on a broker; used by docker-compose's
# kafka-init container, the Kubernetes topics Job (infra/k8s) (both the apache/kafka image) and by
# hand. Idempotent. REPLICATION_FACTOR (default 1) and PARTITIONS (default: each topic's own count
# in topics.json) size them for a real cluster; MIN_INSYNC_REPLICAS is set when given.
set -euo pipefail
bootstrap="${1:-kafka:9092}"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
topics_file="${TOPICS_FILE:-$(dirname "$0")/topics.json}"
replication="${REPLICATION_FACTOR:-1}"
isr=()
if [ -n "${MIN_INSYNC_REPLICAS:-}" ]; then isr=(--config "min.insync.replicas=$MIN_INSYNC_REPLICAS"); fi
# topics.json is simple enough to read without jq (not in the Kafka image).
grep -o '{ "topic": [^}]*}' "$topics_file" | while read -r line; do
  topic=$(echo "$line" | sed -E 's/.*"topic": "([^"]+)".*/\1/')
  partitions=$(echo "$line" | sed -E 's/.*"partitions": ([0-9]+).*/\1/')
  if [ -n "${PARTITIONS:-}" ] && [ "$partitions" -gt 1 ]; then partitions="$PARTITIONS"; fi
  config=()
  if echo "$line" | grep -q '"compacted": true'; then config=(--config cleanup.policy=compact --config min.compaction.lag.ms=60000); fi
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
    --partitions "$partitions" --replication-factor "$replication" "${isr[@]}" "${config[@]}"
  if echo "$line" | grep -q '"dlq": true'; then
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic.dlq" \
      --partitions 1 --replication-factor "$replication" "${isr[@]}" --config retention.ms=-1
  fi
done
