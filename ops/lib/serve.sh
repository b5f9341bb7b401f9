# A seeded `qianxue serve` on a free loopback port, for the scripts that drive a running server
# (ops/fuzz, ops/bench/load). Source it after ops/lib/llama.sh (llama_free_port, llama_http_status).
#
#   serve_seed WORK BIN          `qianxue seed demo` (the demo schools, their people and passwords in
#                                $QIANXUE_DATA_DIR/demo-logins.tsv) plus an admin (fuzz.admin) and a
#                                bureau user of 毕节市 (fuzz.bureau, the first demo school's prefecture),
#                                whose random passwords go to WORK/staff-logins.tsv
#   serve_start WORK BIN [CMD…]  starts BIN serve (prefixed by CMD, e.g. taskset -c 0) on a free port
#                                with the environment as it stands, logging to WORK/server.log; waits for
#                                /ready; sets SERVER_PID, PORT and BASE. Returns 1 if it did not come up.
#
# Both run in WORK (the server finds its resource bundles beside BIN; copy BIN and its *.resources
# there first: a concurrent `swift build` relinks the build product in place).

serve_seed() {
  local work=$1 bin=$2 pw_admin pw_bureau
  mkdir -p "$QIANXUE_DATA_DIR"
  (cd "$work" && "$bin" seed demo) > "$work/seed.out" 2>&1 || { cat "$work/seed.out" >&2; echo "qianxue seed demo failed" >&2; return 1; }
  pw_admin=$(python3 -c 'import secrets; print("Fz-" + secrets.token_urlsafe(18))')
  pw_bureau=$(python3 -c 'import secrets; print("Fz-" + secrets.token_urlsafe(18))')
  (cd "$work" && echo "$pw_admin" | "$bin" users create --username fuzz.admin --role admin --password-stdin) >> "$work/seed.out" 2>&1 \
    || { cat "$work/seed.out" >&2; echo "could not create the admin" >&2; return 1; }
  # A prefecture's bureau (毕节市, where the first demo school is): one demo school in scope, two outside.
  (cd "$work" && echo "$pw_bureau" | "$bin" users create --username fuzz.bureau --role bureau --region 5205 --password-stdin) >> "$work/seed.out" 2>&1 \
    || { cat "$work/seed.out" >&2; echo "could not create the bureau user" >&2; return 1; }
  printf 'username\tpassword\trole\tschool\nfuzz.admin\t%s\tadmin\t\nfuzz.bureau\t%s\tbureau\t\n' "$pw_admin" "$pw_bureau" > "$work/staff-logins.tsv"
  chmod 600 "$work/staff-logins.tsv"
}

serve_start() {
  local work=$1 bin=$2; shift 2
  PORT=$(llama_free_port)
  BASE=http://127.0.0.1:$PORT
  (cd "$work" && exec "$@" "$bin" serve --host 127.0.0.1 --port "$PORT") > "$work/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    [ "$(llama_http_status "$BASE/ready")" = 200 ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 40 "$work/server.log" >&2; echo "qianxue serve exited" >&2; return 1; }
    sleep 0.5
  done
  tail -n 40 "$work/server.log" >&2
  echo "qianxue serve did not become ready" >&2
  return 1
}
