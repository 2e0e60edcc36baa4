#!/usr/bin/env bash
# Runs the fuzz targets: `tests/fuzz/run.sh TARGET SECONDS` runs one, `tests/fuzz/run.sh all
# SECONDS` runs each in turn. Seed corpora are built from policies/, examples/ and tests/ into
# tests/fuzz/corpus/TARGET (not committed); crashes land in tests/fuzz/artifacts/TARGET. Needs the
# nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). FUZZ_TARGET_DIR, if set, is the
# build folder (to share builds between copies of the tree); NORMA_BIN, if set, the `norma`
# binary that writes the XLSX seeds. Not run in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fuzz="$root/tests/fuzz"
targets=(parse_check facts assess report responses)
target="${1:?usage: run.sh TARGET|all SECONDS [libFuzzer options…]}"
seconds="${2:?usage: run.sh TARGET|all SECONDS [libFuzzer options…]}"
shift 2

seed() {
  local t="$1" dir="$fuzz/corpus/$1"
  mkdir -p "$dir"
  cp "$fuzz"/seeds/"$t"/* "$dir"/ 2>/dev/null || true
  case "$t" in
    parse_check)
      find "$root/policies" "$root/examples" "$root/tests" -name '*.norma' -not -path '*/fuzz/*' \
        -exec sh -c 'for f; do cp "$f" "$0/$(echo "$f" | sha1sum | cut -c1-16)"; done' "$dir" {} + ;;
    facts | report)
      find "$root/examples" "$root/tests" -name '*.yaml' -not -path '*/fuzz/*' -not -name '*.response.yaml' \
        -exec sh -c 'for f; do cp "$f" "$0/$(echo "$f" | sha1sum | cut -c1-16)"; done' "$dir" {} + ;;
    assess)
      # A policy, a NUL byte, a facts file: each test pack with each example.
      local i=0
      for p in "$root"/examples/first_pack/*.norma "$root"/tests/check/good/*.norma; do
        for f in "$root"/examples/*.yaml; do
          [ -f "$p" ] && [ -f "$f" ] || continue
          { cat "$p"; printf '\0'; cat "$f"; } >"$dir/seed-$i"
          i=$((i + 1))
        done
      done ;;
    responses)
      cp "$root"/tests/procurement/*.response.yaml "$dir"/ 2>/dev/null || true
      # Filled XLSX forms, written by norma itself.
      for p in "$root"/examples/procurement/*.yaml; do
        if [ -n "${NORMA_BIN:-}" ]; then
          "$NORMA_BIN" requirements "$p" --format xlsx --out "$dir/$(basename "$p" .yaml).xlsx" || true
        else
          (cd "$root" && cargo run --quiet -- requirements "$p" --format xlsx --out "$dir/$(basename "$p" .yaml).xlsx") || true
        fi
      done ;;
  esac
}

# The longest input tried per target: short enough for many executions a second, long enough
# for several declarations, a facts file or a small workbook.
max_len() {
  case "$1" in
    assess) echo 16384 ;;
    responses) echo 65536 ;;
    *) echo 8192 ;;
  esac
}

# Seconds an input may take before it counts as a hang: `report` renders a dozen documents for
# every input, which under AddressSanitizer on a busy machine can take 15 s.
timeout_of() {
  case "$1" in
    report) echo 60 ;;
    *) echo 10 ;;
  esac
}

run() {
  local t="$1"
  shift
  seed "$t"
  mkdir -p "$fuzz/artifacts/$t" "$fuzz/logs"
  echo "== $t for ${seconds}s (log: tests/fuzz/logs/$t.log)"
  (cd "$root" && cargo +nightly fuzz run --fuzz-dir tests/fuzz ${FUZZ_TARGET_DIR:+--target-dir "$FUZZ_TARGET_DIR"} "$t" "$fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -timeout="$(timeout_of "$t")" -rss_limit_mb=4096 -max_len="$(max_len "$t")" \
    -artifact_prefix="$fuzz/artifacts/$t/" "$@") 2>&1 | tee "$fuzz/logs/$t.log" | grep -E '^(#[0-9]+.*(pulse|DONE)|==[0-9]+==|SUMMARY|Done)' || true
  grep -E '^(Done|stat::number_of_executed_units)' "$fuzz/logs/$t.log" || true
}

if [ "$target" = all ]; then
  for t in "${targets[@]}"; do run "$t" "$@"; done
else
  run "$target" "$@"
fi
