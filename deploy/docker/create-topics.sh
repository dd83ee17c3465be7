#!/bin/sh
# One-shot job: creates every topic listed in libs/contracts/src/topics.json and its dead-letter twin (<topic>.dlt).
# Runs in the apache/kafka image, which has no jq or node: names are read with sed.
set -eu
TOPICS_FILE=${TOPICS_FILE:-/topics.json}
BOOTSTRAP=${KAFKA_BOOTSTRAP:-kafka:19092}
PARTITIONS=$(sed -n 's/.*"partitions"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$TOPICS_FILE" | head -n 1)
NAMES=$(grep -o '"name"[[:space:]]*:[[:space:]]*"[^"]*"' "$TOPICS_FILE" | sed 's/.*"\([^"]*\)"$/\1/')
[ -n "$NAMES" ] || { echo "no topics found in $TOPICS_FILE" >&2; exit 1; }
for topic in $NAMES; do
  for t in "$topic" "$topic.dlt"; do
    /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "$t" --partitions "${PARTITIONS:-6}" --replication-factor 1
  done
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
