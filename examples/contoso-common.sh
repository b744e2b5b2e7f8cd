# Shared by the contoso-*.sh demo scripts; sourced, not run.
#
# Usage: contoso-<step>.sh [MYSTAFF [STATE]]   (or the MYSTAFF and STATE environment variables)
#   MYSTAFF  the mystaff binary (default: mystaff on PATH)
#   STATE    the state directory the demo lives in (required)
#   TENANT   the tenant fixture (default: fixtures/contoso-empty.json next to this script)
#   ADMIN    who runs the scripts (default: ContosoAdmin@contoso.com, the Global Administrator)

MYSTAFF=${1:-${MYSTAFF:-mystaff}}
STATE=${2:-${STATE:-}}
if [[ -z "$STATE" ]]; then
    echo "usage: $0 [MYSTAFF [STATE]] (or MYSTAFF=... STATE=... $0)" >&2
    exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TENANT=${TENANT:-$HERE/../fixtures/contoso-empty.json}
ADMIN=${ADMIN:-ContosoAdmin@contoso.com}
DOMAIN=contoso.com

# The five stores of the seed (its setup text says three; its lists and its create-and-populate
# script use five) and their area codes.
CITIES=(Seattle Portland Denver Chicago Orlando)
declare -A AREA=([Seattle]=206 [Portland]=503 [Denver]=303 [Chicago]=312 [Orlando]=407)

ms() {
    "$MYSTAFF" --tenant "$TENANT" --state "$STATE" "$@"
}

# "--flag Contoso{City}{Kind}1@contoso.com … 20": the arguments for one batched call.
people() {
    local flag=$1 city=$2 kind=$3 n
    for n in $(seq 1 20); do
        printf '%s\n%s\n' "$flag" "Contoso${city}${kind}${n}@${DOMAIN}"
    done
}
