#!/usr/bin/env bash
# Cold-start benchmark, one command: builds the Lambda jar and the launcher, fetches WireMock from Maven Central
# (through the Maven wrapper, into the local repository), then runs Java and the Python/boto3 baseline interleaved
# against a loopback stub and prints the table.
#   bench/coldstart/run.sh                       # real handler vs Python, 20 samples each
#   SAMPLES=30 VARIANTS=python-boto3,java-handler,java-handler+aot bench/coldstart/run.sh
#   VARIANTS=python-boto3,java-handler,java-handler+snapstart,python-boto3+snapstart bench/coldstart/run.sh
#   BASELINE_JAR=/tmp/before.jar VARIANTS=python-boto3,java-baseline,java-handler bench/coldstart/run.sh
#                                                # a change side by side: a copy of the jar from before it
#   TRANSPORT=http bench/coldstart/run.sh        # the stub over plain HTTP instead of TLS (the default, as AWS)
#   bench/coldstart/run.sh jmh [JMH options]     # warm path (JMH SampleTime), same stub and environment
# Needs JDK 25 (JAVA_HOME) and Debian's python3-boto3 (/usr/bin/python3). The +snapstart variants (SnapStart emulated
# with CRIU snapshots) need root; criu/build.sh builds the CRIU they use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$root"

/usr/bin/python3 -c 'import boto3' 2>/dev/null || { echo "needs python3-boto3: apt-get install -y python3-boto3" >&2; exit 1; }

# One invocation: the class path must point at the jars this build just packaged, not at whatever snapshot of
# snapback-lambda a local repository may hold.
./mvnw -q -Pbench -pl bench/coldstart -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/runtime.classpath -DincludeScope=runtime
classpath=$(cat "$here/target/runtime.classpath")
lambda_jar="$root/functions/lambda/target/snapback-lambda.jar"  # the shaded jar: what Lambda runs
./mvnw -q dependency:copy -Dartifact=org.wiremock:wiremock-standalone:3.13.2 -DoutputDirectory="$here/target/stub"

harness=(/usr/bin/python3 "$here/harness.py" --java "$JAVA_HOME/bin/java"
  --wiremock-jar "$here/target/stub/wiremock-standalone-3.13.2.jar"
  --lambda-jar "$lambda_jar"
  --launcher-jar "$here/target/snapback-bench-coldstart-0.1.0-SNAPSHOT.jar"
  --runtime-jar "$(tr ':' '\n' <<<"$classpath" | grep /aws-lambda-java-runtime-interface-client-)"
  --transport "${TRANSPORT:-https}")

variants=${VARIANTS:-python-boto3,java-handler}
if [[ -n "${BASELINE_JAR:-}" ]]; then
  harness+=(--baseline-jar "$BASELINE_JAR")
fi
if [[ "$variants" == *+snapstart* ]]; then
  harness+=(--criu "$("$here/criu/build.sh")")
fi

if [[ "${1:-}" == jmh ]]; then
  shift
  exec "${harness[@]}" --jmh-classpath "$here/target/classes:$classpath" -- "$@"
fi
# The stand-in runs without JMH's jars, as a function would.
exec "${harness[@]}" --standin-classpath "$(tr ':' '\n' <<<"$classpath" | grep -v -e /org/openjdk/jmh/ -e /jopt-simple/ -e /commons-math3/ | paste -sd:)" \
  --samples "${SAMPLES:-20}" --variants "$variants"
