#!/usr/bin/env bash
# Runs the end-to-end pipeline benchmark (io.warden.bench.pipeline.PipelineBenchmark): an embedded
# Kafka broker, a Flink MiniCluster, the monitor job and a pass-through job, all in one JVM.
# Builds the bench module first when its classpath is missing or older than the sources.
#   bench/run-pipeline-benchmark.sh --help
#   bench/run-pipeline-benchmark.sh --requests 300000 --runs 3
# JVM options: BENCH_JAVA_OPTS (default: a fixed, pre-touched 3 GB heap). Logging: BENCH_LOG_CONFIG
# (a log4j2 properties file; default: errors only, on stderr).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/bench/target"
lib="$target/pipeline-lib"
jar="$(ls "$target"/warden-bench-*.jar 2>/dev/null | head -n 1 || true)"

if [ -z "$jar" ] || [ ! -f "$lib/flink-jvm-options.txt" ] \
    || [ -n "$(find "$root"/{schemas,detectors,simulator,jobs,bench}/src/main "$root/deploy" "$root"/pom.xml \
              "$root"/{schemas,detectors,simulator,jobs,bench}/pom.xml -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
  echo "run-pipeline-benchmark: building (./mvnw -q -B -pl bench -am package -DskipTests) ..." >&2
  (cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests) >&2
  jar="$(ls "$target"/warden-bench-*.jar | head -n 1)"
  touch "$jar"
fi

# The --add-opens/--add-exports flags Flink needs on Java 17 (the parent POM's flink.jvm.opens).
read -r -a opens < "$lib/flink-jvm-options.txt"
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:--Xms3g -Xmx3g -XX:+AlwaysPreTouch} "${opens[@]}" \
  -Dlog4j2.configurationFile="${BENCH_LOG_CONFIG:-pipeline-benchmark-log4j2.properties}" \
  -cp "$jar:$lib/*" io.warden.bench.pipeline.PipelineBenchmark "$@"
