#!/usr/bin/env bash
# The seed's cleanup script as mystaff commands: removes every scoped role membership, the five
# store administrative units and the users and managers the demo created (in that order, so the
# audit log shows each step). The Orlando managers' tenant-wide User Administrator role is removed
# with the scoped ones.
#
#   examples/contoso-cleanup.sh target/debug/mystaff /tmp/contoso-demo
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/contoso-common.sh"

unscope() {
    local city=$1 role=$2
    mapfile -t managers < <(people --principal "$city" Manager)
    ms au unassign --as "$ADMIN" --au "$city" --role "$role" "${managers[@]}" >/dev/null
    echo "cleanup: $city managers: $role scoped to $city removed"
}
unscope Seattle "Authentication Administrator"
unscope Portland "Helpdesk Administrator"
unscope Denver "Authentication Administrator"
unscope Denver "Helpdesk Administrator"
unscope Chicago "User Administrator"

mapfile -t managers < <(people --principal Orlando Manager)
ms role unassign --as "$ADMIN" --role "User Administrator" "${managers[@]}" >/dev/null
echo "cleanup: Orlando managers: tenant-wide User Administrator removed"

for city in "${CITIES[@]}"; do
    ms au delete --as "$ADMIN" --au "$city"
done

for city in "${CITIES[@]}"; do
    mapfile -t users < <(people --target "$city" User)
    mapfile -t managers < <(people --target "$city" Manager)
    ms user delete --as "$ADMIN" "${users[@]}" "${managers[@]}" >/dev/null
    echo "cleanup: $city: 20 users and 20 managers deleted"
done
