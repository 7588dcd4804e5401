# Shared by the scripts in this folder: paths, logging and the tool versions we pin.
# Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
TWIGGY_VERSION="0.8.0"
BINARYEN_BIN="$ROOT/tools/node_modules/.bin"
export PATH="$BINARYEN_BIN:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# The version of crate $1 in Cargo.lock (the first one listed).
locked_version() {
  awk -v name="name = \"$1\"" '$0 == name { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
wasm_bindgen_version() { locked_version wasm-bindgen; }

# Seconds since the script started, for progress lines.
SECONDS=0
elapsed() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }

# The framed widget's size goal, brotli bytes of its first load (issue 14).
FRAMED_GOAL=$((90 * 1024))

# Sizes as the size scripts print them: brotli -q 11 bytes of a file, and bytes in KiB.
brotli_bytes() { brotli -q 11 -c "$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

# The wasm, js and css files a built page names, relative to its dist folder.
page_assets() { grep -oE '/[A-Za-z0-9._/-]+\.(wasm|js|css)' "$1" | sed 's#^/##' | sort -u; }

# The framed widget's wasm-opt flags from index.html, as trunk passes them: -O<level>, then
# the extra parameters.
framed_wasm_opt_flags() {
  local level params
  level=$(grep -oE 'data-bin="social-widget"[^>]*data-wasm-opt="[^"]*"' "$ROOT/index.html" | sed -E 's/.*data-wasm-opt="([^"]*)"/\1/')
  params=$(grep -oE 'data-bin="social-widget"[^>]*data-wasm-opt-params="[^"]*"' "$ROOT/index.html" | sed -E 's/.*data-wasm-opt-params="([^"]*)"/\1/')
  [[ -n "$level" ]] || die "index.html names no data-wasm-opt level for social-widget"
  echo "-O$level $params"
}

# Brotli bytes of a built page and every file it names (its first load).
page_brotli() {
  local page=$1 total file
  total=$(brotli_bytes "$page")
  for file in $(page_assets "$page"); do
    total=$((total + $(brotli_bytes "$(dirname "$page")/$file")))
  done
  echo "$total"
}
