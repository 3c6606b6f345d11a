# Shared by the scripts in this folder: paths, the sample build and
# headless Chromium. Source it; it defines functions and sets nothing else.

repository="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints the path of vnu.jar: $VNU_JAR, else the copy that .ci/run installs.
find_vnu_jar() {
    local installed="$repository/.ci/node/node_modules/vnu-jar/build/dist/vnu.jar"
    if [[ -n "${VNU_JAR:-}" && -f "$VNU_JAR" ]]; then
        echo "$VNU_JAR"
    elif [[ -f "$installed" ]]; then
        echo "$installed"
    else
        echo "vnu.jar not found: set VNU_JAR or run" \
            "npm install --no-save --ignore-scripts --prefix .ci/node vnu-jar" >&2
        return 1
    fi
}

# Builds the sample campaign of the repository into the folder $1, which
# must not exist yet. The diagnostics are shown only when the build fails.
build_sample() {
    local out="$1" log
    log="$(mktemp)"
    if ! (cd "$repository" && cargo run --quiet --release -- build --out "$out") 2>"$log"; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

# Runs headless Chromium with a fresh profile and no network use; the
# arguments are added at the end.
run_chromium() {
    local browser profile
    browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome)" || {
        echo "chromium not found: apt-get install chromium" >&2
        return 1
    }
    profile="$(mktemp -d)"
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" "$@" 2>/dev/null
    local status=$?
    rm -rf "$profile"
    return $status
}
