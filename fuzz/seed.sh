#!/bin/sh
# Copies every YAML file of the test fixtures and of the sample campaign
# into the fuzzer's corpus folder, as the seed corpus of the `record` target.
set -eu
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/record
find tests/fixtures records -name '*.yaml' | while read -r file; do
    name=$(printf '%s' "$file" | tr '/' '_')
    cp "$file" "fuzz/corpus/record/seed_$name"
done
# Inputs that once failed, kept as regression seeds.
if [ -d fuzz/regressions ]; then
    cp fuzz/regressions/* fuzz/corpus/record/ 2>/dev/null || true
fi
ls fuzz/corpus/record | wc -l
