#!/usr/bin/env bash
# Security scanners that nobody on the project wrote, run against a local Assure signed in as a
# practitioner: sqlmap (SQL injection in query strings, forms, cookies and the JSON API) and
# wapiti (crawls the signed-in service and attacks every page and form it finds: injection, XSS,
# CRLF, open redirect, SSRF, XXE, file and command execution, CSRF, headers, cookies, CSP).
#
#   npm run scan            (or: bash scripts/scan.sh)
#
# Starts its own server on a free loopback port with the embedded database in a temporary folder
# (synthetic demo data), so it never touches ./data. Reports go to scan-results/ (SCAN_RESULTS to
# change); scan-results/summary.txt is the short version. Exits non-zero if either scanner reports
# anything. Installs sqlmap and wapiti from the Debian packages when they are missing.
#
# Bounds: wapiti crawls for at most SCAN_WAPITI_SECONDS (default 180) and runs each attack module
# for at most SCAN_WAPITI_ATTACK_SECONDS (default 40); sqlmap runs a fixed list of targets with
# PostgreSQL payloads at level 2, risk 2. The whole run takes under 20 minutes on two cores.
# SCAN_ONLY=sqlmap or SCAN_ONLY=wapiti runs just one of them (the summary says so, and it fails).
set -euo pipefail
# The whole script is one block, read before it runs: editing the file during a run is harmless.
{
cd "$(dirname "$0")/.."
root=$PWD
export DEBIAN_FRONTEND=noninteractive

apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then apt-get update -qq; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

echo "== Scanners"
if ! command -v sqlmap >/dev/null 2>&1; then apt_install sqlmap; fi
if ! command -v wapiti >/dev/null 2>&1; then apt_install wapiti; fi
for tool in curl jq; do command -v "$tool" >/dev/null 2>&1 || apt_install "$tool"; done
sqlmap_version=$(sqlmap --version 2>/dev/null | grep -oE '[0-9][0-9.]+[^ ]*' | head -n 1)
wapiti_version=$(wapiti --version 2>/dev/null | grep -oE 'Wapiti-[0-9.]+' | head -n 1 | sed 's/Wapiti-//')
echo "sqlmap $sqlmap_version, wapiti $wapiti_version"

results=${SCAN_RESULTS:-$root/scan-results}
rm -rf "$results"
mkdir -p "$results/sqlmap" "$results/wapiti"
work=$(mktemp -d "${TMPDIR:-/tmp}/assure-scan.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export NODE_ENV=development
export ASSURE_DATA_DIR="$work/data"
export LOG_LEVEL=warn
unset DATABASE_URL

echo "== A fresh embedded database with the synthetic demo partnership"
npx assure seed demo --children 40 --format json >"$work/demo.json"
practitioner=social.worker.north@demo.assure.example
password=$(jq -r --arg e "$practitioner" '.users[] | select(.email == $e) | .password' "$work/demo.json")
[[ -n $password && $password != null ]] || { echo "no demo practitioner $practitioner" >&2; exit 1; }
# The practice standards dashboards are for managers: their query strings are scanned as one.
manager=manager.north@demo.assure.example
manager_password=$(jq -r --arg e "$manager" '.users[] | select(.email == $e) | .password' "$work/demo.json")
# The CLI and the server cannot hold the folder at once: make the API tokens before starting.
token=$(npx assure token create --email "$practitioner" --name scanner --days 1)
manager_token=$(npx assure token create --email "$manager" --name scanner --days 1)

port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
base="http://127.0.0.1:$port"
echo "== Assure on $base"
PORT=$port HOST=127.0.0.1 ASSURE_DEMO=false node --import tsx src/main.ts >"$results/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped:" >&2; cat "$results/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "$base/readyz"

echo "== Sign in as a practitioner ($practitioner), as a browser does"
jar="$work/cookies.txt"
form_token() { # the CSRF token of the page's last form (the first is the header's sign-out)
  curl -fsS -b "${2:-$jar}" -c "${2:-$jar}" "$base$1" | grep -o 'name="_csrf" value="[^"]*"' | tail -n 1 | sed 's/.*value="//; s/"$//'
}
sign_in() { # email, password, cookie jar: GET /sign-in for the CSRF cookie and token, then POST it
  local csrf status
  csrf=$(form_token /sign-in "$3")
  status=$(curl -sS -o /dev/null -w '%{http_code}' -b "$3" -c "$3" \
    --data-urlencode "email=$1" --data-urlencode "password=$2" --data-urlencode "_csrf=$csrf" "$base/sign-in")
  [[ $status == 303 ]] || { echo "sign-in as $1 answered $status, not 303" >&2; exit 1; }
}
sign_in "$practitioner" "$password" "$jar"
session=$(awk '$6 == "assure_session" { print $7 }' "$jar")
csrf_cookie=$(awk '$6 == "assure_csrf" { print $7 }' "$jar")
[[ -n $session && -n $csrf_cookie ]] || { echo "no session cookie after sign-in" >&2; exit 1; }
cookie="assure_session=$session; assure_csrf=$csrf_cookie"
sign_in "$manager" "$manager_password" "$work/manager-cookies.txt"
manager_cookie="assure_session=$(awk '$6 == "assure_session" { print $7 }' "$work/manager-cookies.txt")"
signed_in() { [[ $(curl -sS -o /dev/null -w '%{http_code}' -b "assure_session=$session" "$base/account") == 200 ]]; }
signed_in || { echo "the session does not open /account" >&2; exit 1; }

# Records the practitioner works with, for the targets below.
child=$(curl -fsS -b "$jar" "$base/children" | grep -oE 'href="/children/[0-9a-f-]{36}"' | head -n 1 | grep -oE '[0-9a-f-]{36}')
[[ -n $child ]] || { echo "the practitioner sees no child" >&2; exit 1; }
agency=$(curl -fsS -b "$jar" "$base/children/$child/escalations/new" | grep -oE '<option value="[0-9a-f-]{36}"' | head -n 1 | grep -oE '[0-9a-f-]{36}')
echo "child $child"

only=${SCAN_ONLY:-}
: >"$results/sqlmap/summary.txt"
: >"$results/wapiti/findings.txt"
if [[ $only != wapiti ]]; then
echo "== sqlmap (PostgreSQL payloads, level 2, risk 2)"
# Assure runs on PostgreSQL (embedded or server), so only PostgreSQL's payloads are sent.
sqlmap_common=(--batch --dbms=PostgreSQL --level=2 --risk=2 --time-sec=2 --disable-coloring --output-dir="$results/sqlmap/out"
  --skip=assure_session,assure_csrf)
sqlmap_run() { # name, then sqlmap arguments
  local name=$1; shift
  local started=$SECONDS
  sqlmap "${sqlmap_common[@]}" "$@" >"$results/sqlmap/$name.log" 2>&1 || true
  local verdict="clean"
  if grep -qE "identified the following injection point|is vulnerable|appears to be .*injectable" "$results/sqlmap/$name.log"; then
    verdict="INJECTABLE"
  elif ! grep -qE "do not appear to be injectable|does not seem to be injectable" "$results/sqlmap/$name.log"; then
    verdict="NOT TESTED (see $name.log)"
  fi
  printf '%-28s %-40s %4ss\n' "$name" "$verdict" "$((SECONDS - started))" | tee -a "$results/sqlmap/summary.txt"
}

# Pages with query strings. The first also tests the session cookie itself.
sqlmap_run page-children-search -u "$base/children?q=smith&onPlan=yes&page=1" --cookie="$cookie" --skip=assure_csrf
sqlmap_run page-my-actions -u "$base/my/actions?whose=agency&page=1" --cookie="$cookie"
sqlmap_run page-learning-actions -u "$base/learning/actions?status=open&level=team&overdue=yes" --cookie="$cookie"
sqlmap_run page-standards-manager -u "$base/standards?by=team" --cookie="$manager_cookie"
sqlmap_run page-child-entries -u "$base/children/$child/entries/new?kind=supervision" --cookie="$cookie"
sqlmap_run page-sign-in-next -u "$base/sign-in?next=/children" -p next

# Forms, each with a fresh CSRF token from its page.
sqlmap_run form-family-member -u "$base/children/$child/family/new" --cookie="$cookie" \
  --data="_csrf=$(form_token "/children/$child/family/new")&name=Sam+Smith&relationship=carer&contact=01234+567890&livesWithChild=no&parentalResponsibility=no&notes=none" \
  --csrf-token=_csrf --csrf-url="$base/children/$child/family/new"
sqlmap_run form-escalation -u "$base/children/$child/escalations/new" --cookie="$cookie" \
  --data="_csrf=$(form_token "/children/$child/escalations/new")&aboutAgencyId=$agency&concern=Plan+drift&desiredOutcome=A+meeting&raisedOn-day=1&raisedOn-month=12&raisedOn-year=2026" \
  --csrf-token=_csrf --csrf-url="$base/children/$child/escalations/new"
sqlmap_run form-notifications -u "$base/account/notifications" --cookie="$cookie" \
  --data="_csrf=$(form_token /account/notifications)&digest=weekly" \
  --csrf-token=_csrf --csrf-url="$base/account/notifications"

# The JSON API with the practitioner's bearer token.
auth="Authorization: Bearer $token"
sqlmap_run api-children -u "$base/api/v1/children?q=smith&onPlan=true&page=1" -H "$auth"
sqlmap_run api-child -u "$base/api/v1/children/$child*" -H "$auth"
sqlmap_run api-child-entries -u "$base/api/v1/children/$child/entries?kind=supervision" -H "$auth"
sqlmap_run api-learning-actions -u "$base/api/v1/learning/actions?status=open&level=team&overdue=yes" -H "$auth"
sqlmap_run api-standards-breakdown-manager -u "$base/api/v1/standards/breakdown?by=area" -H "Authorization: Bearer $manager_token"
sqlmap_run api-family-member -u "$base/api/v1/children/$child/family" -H "$auth" -H "Content-Type: application/json" \
  --data='{"name":"Sam Smith","relationship":"carer","livesWithChild":false,"parentalResponsibility":false}'

signed_in || { echo "sqlmap ended the practitioner's session: the wapiti run would be signed out" >&2; exit 1; }
fi

wapiti_seconds=0 pages=0 still="still signed in"
if [[ $only != sqlmap ]]; then

echo "== wapiti (signed in, scope $base, crawling for at most ${SCAN_WAPITI_SECONDS:-180} s, each attack module at most ${SCAN_WAPITI_ATTACK_SECONDS:-40} s)"
# Debian's wapiti 3.0.4 cannot exclude any address on Python 3.11 (its pattern ends in "(?ms)",
# which Python 3.11 refuses), so it runs with that one function corrected.
wapiti_python=$(sed -n '1s/^#! *//p' "$(type -P wapiti)")
wapiti() {
  "$wapiti_python" - "$@" <<'PY'
import re, sys
import wapitiCore.net.crawler as crawler
def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")
crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.argv = ["wapiti"] + sys.argv[1:]
sys.exit(wapiti_main())
PY
}
# Kept away from what would end the session (sign-out, a password change, two-step set-up).
jq -n --arg s "$session" --arg c "$csrf_cookie" '{"127.0.0.1": {"/": {
  "assure_session": {value: $s, expires: null, secure: false, port: null, version: 0},
  "assure_csrf": {value: $c, expires: null, secure: false, port: null, version: 0}}}}' >"$work/wapiti-cookies.json"
wapiti_started=$SECONDS
wapiti -u "$base/" --scope folder -c "$work/wapiti-cookies.json" \
  -x "$base/sign-out" -x "$base/account/password" -x "$base/account/two-factor*" \
  -m "common,csrf,crlf,methods,xxe" \
  --max-scan-time "${SCAN_WAPITI_SECONDS:-180}" --max-attack-time "${SCAN_WAPITI_ATTACK_SECONDS:-40}" --max-links-per-page 40 --max-files-per-dir 25 -d 4 \
  --flush-session --store-session "$work/wapiti-session" --store-config "$work/wapiti-config" \
  -f json -o "$results/wapiti/report.json" -v 1 --no-bugreport >"$results/wapiti/wapiti.log" 2>&1 || true
[[ -s $results/wapiti/report.json ]] || { echo "wapiti wrote no report:" >&2; tail -n 30 "$results/wapiti/wapiti.log" >&2; exit 1; }
wapiti_seconds=$((SECONDS - wapiti_started))
signed_in && still="still signed in" || still="SIGNED OUT during the run (coverage incomplete)"

# One line a finding: category, then where and what.
jq -r '[.vulnerabilities, .anomalies, (.additionals // {})] | map(to_entries[]) | .[] | .key as $k | .value[]
  | "\($k): \(.method) \(.path) \(.parameter // "") \(.info)"' "$results/wapiti/report.json" >"$results/wapiti/findings.txt"
pages=$(grep -oE 'found [0-9]+ URLs' "$results/wapiti/wapiti.log" | grep -oE '[0-9]+' | tail -n 1 || echo "?")
fi
# Findings triaged as not a fault, each with its reason and test in docs/security.md ("Scanners").
# They are listed in the summary but do not fail the run; anything else does.
accepted=(
  # helmet sends X-XSS-Protection: 0 on purpose (the filter is gone from browsers; the CSP protects)
  '^HTTP Secure Headers: .*X-XSS-Protection is not set$'
  # this scan is over plain HTTP in development; production sends it (src/web/security.test.ts)
  '^HTTP Secure Headers: .*Strict-Transport-Security is not set$'
  # plain HTTP: both cookies are Secure whenever the request came over HTTPS (src/web/security.test.ts)
  '^Secure Flag cookie: .*Secure flag is not set in the cookie : assure_(session|csrf)$'
)
: >"$results/wapiti/accepted.txt"
cp "$results/wapiti/findings.txt" "$results/wapiti/open.txt"
for pattern in "${accepted[@]}"; do
  grep -E "$pattern" "$results/wapiti/open.txt" >>"$results/wapiti/accepted.txt" || true
  grep -vE "$pattern" "$results/wapiti/open.txt" >"$work/open.txt" || true
  mv "$work/open.txt" "$results/wapiti/open.txt"
done
sqlmap_bad=$(grep -cv ' clean ' "$results/sqlmap/summary.txt" || true)
wapiti_bad=$(grep -c '' "$results/wapiti/open.txt" || true)

{
  echo "Assure scanner run, $(date -u '+%Y-%m-%d %H:%M UTC'), signed in as a practitioner"
  echo "sqlmap $sqlmap_version, wapiti $wapiti_version"
  echo
  echo "sqlmap: $(grep -c '' "$results/sqlmap/summary.txt") targets, $sqlmap_bad not clean"
  sed 's/^/  /' "$results/sqlmap/summary.txt"
  echo
  echo "wapiti: ${wapiti_seconds}s, $pages pages and forms crawled, $wapiti_bad open findings; $still"
  sed 's/^/  OPEN: /' "$results/wapiti/open.txt"
  sed 's/^/  accepted (docs\/security.md): /' "$results/wapiti/accepted.txt"
  [[ -z $only ]] || echo "ONLY $only RAN: not a full scan"
} | tee "$results/summary.txt"

if [[ $sqlmap_bad != 0 || $wapiti_bad != 0 || $still != "still signed in" || -n $only ]]; then
  echo "FAIL: see $results" >&2
  exit 1
fi
echo "0 open findings"
exit
}
