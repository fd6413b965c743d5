#!/usr/bin/env bash
# Creates the platform's topics (infra/topics.json) on a broker; used by docker-compose's
# kafka-init container (apache/kafka image) and by hand. Idempotent.
set -euo pipefail
bootstrap="${1:-kafka:9092}"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
topics_file="${TOPICS_FILE:-$(dirname "$0")/topics.json}"
# topics.json is simple enough to read without jq (not in the Kafka image).
grep -o '{ "topic": [^}]*}' "$topics_file" | while read -r line; do
  topic=$(echo "$line" | sed -E 's/.*"topic": "([^"]+)".*/\1/')
  partitions=$(echo "$line" | sed -E 's/.*"partitions": ([0-9]+).*/\1/')
  config=()
  if echo "$line" | grep -q '"compacted": true'; then config=(--config cleanup.policy=compact --config min.compaction.lag.ms=60000); fi
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
    --partitions "$partitions" --replication-factor 1 "${config[@]}"
  if echo "$line" | grep -q '"dlq": true'; then
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic.dlq" \
      --partitions 1 --replication-factor 1 --config retention.ms=-1
  fi
done
