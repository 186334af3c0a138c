#!/usr/bin/env bash
# Benchmark of `snapback replay` (one command): generates, once, a synthetic CloudTrail S3-log corpus under
# bench/out/, then times side by side in one run:
#   (a) bin/snapback replay --format ndjson over it,
#   (b) the parse-only floor: gunzip + Jackson over every record, same parallelism (tokens; and full trees),
#   (c) jq selecting the same calls (zcat | jq, as many parallel pipelines as cores),
#   (d) replay over the same records as an Athena export (bare records, lower-case names, JSON-string fields, spaced
#       times: every guarded record read back into CloudTrail's shape), which must give the same decisions,
#   (e) with BASELINE_JAR=path, another build of the jar (one kept from before a change) over the canonical corpus,
#       with BASELINE_CONFIG=path when that build does not read today's examples/snapback-config.json.
# Knobs: RECORDS (default 2000000), PER_FILE (records per file, default 800), RUNS (repetitions, default 1; the
# variants take turns within each repetition, and the fastest of each is kept), BASELINE_JAR.
set -euo pipefail
cd "$(dirname "$0")/../.."
RECORDS=${RECORDS:-2000000}
PER_FILE=${PER_FILE:-800}
RUNS=${RUNS:-1}
out=bench/out
# The generator's version is in the names: a corpus written by an older GenerateCorpus is not reused.
corpus=$out/corpus-v2-$RECORDS-$PER_FILE
exported=$out/athena-v2-$RECORDS-$PER_FILE
baseline=${BASELINE_JAR:-}
baseline_config=${BASELINE_CONFIG:-examples/snapback-config.json}
cores=$(nproc)

java=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
    export JAVA_HOME="$candidate"; java="$candidate/bin/java"; break
  fi
done
[ -n "$java" ] || { echo "bench: needs a JDK 25 (set JAVA_HOME)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench: needs jq (apt-get install jq)" >&2; exit 2; }

jar=functions/cli/target/snapback.jar
[ -f "$jar" ] || ./mvnw -q -pl functions/cli -am package -DskipTests
mkdir -p "$out/classes"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$jar" bench/replay/ParseOnly.java bench/replay/GenerateCorpus.java \
  bench/replay/ExportCorpus.java

if [ ! -f "$corpus/facts" ]; then
  echo "Generating $RECORDS records, $PER_FILE per file, into $corpus ..." >&2
  rm -rf "$corpus"
  "$java" -cp "$out/classes" GenerateCorpus "$corpus" "$RECORDS" "$PER_FILE" > "$corpus.facts.tmp"
  mv "$corpus.facts.tmp" "$corpus/facts"
fi
if [ ! -f "$exported/done" ]; then
  echo "Writing the same records as an Athena export into $exported ..." >&2
  rm -rf "$exported"
  "$java" -cp "$out/classes:$jar" ExportCorpus "$corpus" "$exported"
  touch "$exported/done"
fi
facts=$(cat "$corpus/facts")
fact() { sed -nE "s/.*$1=([0-9]+).*/\1/p" <<<"$facts"; }
records=$(fact records); files=$(fact files); compressed=$(fact compressedBytes); expected=$(fact guardedSucceeded)

# What the deployed patterns deliver, in jq: the calls Detectors.SPECS name that succeeded (EventBridge's "errorCode":
# [{"exists": false}]), API calls denied with AccessDenied* or *UnauthorizedOperation (unauthorized-calls), and root's
# own successful calls (root-activity); checked against replay below. The corpus has no root caller and no call
# that two rules match, so records and deliveries are the same count.
jq_filter='.Records[] | select(
  ((has("errorCode") | not) and ((.eventSource + " " + .eventName) | IN(
    "ec2.amazonaws.com AuthorizeSecurityGroupIngress", "ec2.amazonaws.com ModifySecurityGroupRules",
    "ec2.amazonaws.com CreateKeyPair", "ec2.amazonaws.com ImportKeyPair",
    "iam.amazonaws.com CreateAccessKey", "iam.amazonaws.com UpdateAccessKey",
    "iam.amazonaws.com DeactivateMFADevice", "iam.amazonaws.com DeleteVirtualMFADevice", "iam.amazonaws.com EnableMFADevice",
    "cloudtrail.amazonaws.com StopLogging", "cloudtrail.amazonaws.com DeleteTrail", "cloudtrail.amazonaws.com UpdateTrail",
    "cloudtrail.amazonaws.com PutEventSelectors", "cloudtrail.amazonaws.com PutAdvancedEventSelectors",
    "signin.amazonaws.com ConsoleLogin")))
  or (.eventName != "ConsoleLogin" and ((.errorCode // "") | startswith("AccessDenied") or endswith("UnauthorizedOperation")))
  or ((has("errorCode") | not) and .userIdentity.type == "Root" and (.userIdentity | has("invokedBy") | not)))'
# Both JVMs get bin/snapback's default options; replay also writes a GC log for the heap figure.
jvm_opts="-Xmx256m -XX:+UseParallelGC"

declare -A wall cpu
run() { # name command... ; keeps the fastest of RUNS, by wall clock, with its CPU time (user + sys, children included)
  local times
  times=$( { TIMEFORMAT='%R %U %S'; time "${@:2}"; } 2>&1 >/dev/null | tail -n 1)
  read -r r u s <<<"$times"
  if [ -z "${wall[$1]:-}" ] || (( $(echo "$r < ${wall[$1]}" | bc -l) )); then
    wall[$1]=$r; cpu[$1]=$(echo "$u + $s" | bc -l)
  fi
}

replay() { # name jar corpus [config]: bin/snapback's command line, with the given jar
  "$java" -Xlog:disable -Xlog:all=warning:stderr $jvm_opts -Xlog:gc:file="$out/$1-gc.log" -Dsnapback.tty.in=false \
    -Dsnapback.tty.err=false -jar "$2" replay --format ndjson --config "${4:-examples/snapback-config.json}" "$3" \
    > "$out/$1.ndjson" 2> "$out/$1.err"
}
floor() { "$java" $jvm_opts -cp "$out/classes:$jar" ParseOnly "$1" "$corpus" > "$out/floor-$1.out"; }
jq_select() {
  find "$corpus" -name '*.json.gz' -print0 | sort -z \
    | xargs -0 -P"$cores" -n 100 sh -c 'zcat "$@" | jq -c "$0"' "$jq_filter" > "$out/jq.ndjson"
}

echo "Load before: $(cut -d' ' -f1-3 /proc/loadavg) on $cores cores" >&2
for i in $(seq "$RUNS"); do
  run replay replay replay "$jar" "$corpus"
  run replay-exported replay replay-exported "$jar" "$exported"
  [ -z "$baseline" ] || run replay-baseline replay replay-baseline "$baseline" "$corpus" "$baseline_config"
  run floor-tokens floor tokens
  run floor-tree floor tree
  run jq jq_select
done
echo "Load after:  $(cut -d' ' -f1-3 /proc/loadavg)" >&2

uncompressed=$(sed -nE 's/.*uncompressedBytes=([0-9]+).*/\1/p' "$out/floor-tokens.out")
replay_matched=$(sed -nE 's/.*: ([0-9]+) matched.*/\1/p' "$out/replay.err")
jq_matched=$(wc -l < "$out/jq.ndjson")
decisions=$(sed -nE 's/.* ([0-9]+) decisions.*/\1/p' "$out/replay.err")
peak_heap=$(grep -oE '[0-9]+M->[0-9]+M' "$out/replay-gc.log" | cut -dM -f1 | sort -n | tail -1)
mb() { echo "scale=1; $1 / 1000000" | bc -l; }

echo
echo "Corpus: $records records in $files gzipped S3-log files, $(mb "$compressed") MB compressed, $(mb "$uncompressed") MB uncompressed"
echo "Matched by the deployed patterns: replay $replay_matched, jq $jq_matched, generator $expected; replay decisions: $decisions"
echo "Replay heap (-Xmx256m): peak before GC ${peak_heap:-?} MB"
printf "\n%-22s %8s %8s %11s %10s %11s %13s\n" "" "wall s" "CPU s" "records/s" "MB/s gz" "MB/s json" "records/CPU-s"
variants="replay replay-exported ${baseline:+replay-baseline} floor-tokens floor-tree jq"
for name in $variants; do
  t=${wall[$name]}; c=${cpu[$name]}
  printf "%-22s %8.2f %8.2f %11.0f %10.1f %11.1f %13.0f\n" "$name" "$t" "$c" "$(echo "$records / $t" | bc -l)" \
    "$(echo "$compressed / $t / 1000000" | bc -l)" "$(echo "$uncompressed / $t / 1000000" | bc -l)" "$(echo "$records / $c" | bc -l)"
done
echo
ratio() { printf "%-34s wall %5.2fx   CPU %5.2fx\n" "$1" "$(echo "${wall[$3]} / ${wall[$2]}" | bc -l)" "$(echo "${cpu[$3]} / ${cpu[$2]}" | bc -l)"; }
ratio "replay speed / jq speed:" replay jq
ratio "replay speed / floor (tokens):" replay floor-tokens
ratio "replay speed / floor (trees):" replay floor-tree
ratio "exported / canonical speed:" replay-exported replay
[ -z "$baseline" ] || ratio "replay speed / baseline speed:" replay replay-baseline
cmp -s <(sort "$out/replay.ndjson") <(sort "$out/replay-exported.ndjson") \
  || { echo "bench: the exported corpus gives other decisions than the canonical one" >&2; exit 1; }
echo "Exported corpus: the same $decisions decisions as the canonical one"
[ "$replay_matched" = "$jq_matched" ] || { echo "bench: replay and jq disagree on what matches" >&2; exit 1; }
