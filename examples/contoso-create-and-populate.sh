#!/usr/bin/env bash
# The seed's create-and-populate script as mystaff commands: an administrative unit per store, the
# store's users as its members, and the managers' roles:
#   Seattle   Authentication Administrator, scoped to Seattle
#   Portland  Helpdesk Administrator, scoped to Portland
#   Denver    Authentication Administrator and Helpdesk Administrator, scoped to Denver
#   Chicago   User Administrator, scoped to Chicago
#   Orlando   User Administrator, not scoped (tenant-wide)
# Managers are not members of their store's unit (the seed adds only the users).
#
#   examples/contoso-create-and-populate.sh target/debug/mystaff /tmp/contoso-demo
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/contoso-common.sh"

for city in "${CITIES[@]}"; do
    ms au create --as "$ADMIN" --name "$city" --description "Contoso $city store"
    mapfile -t members < <(people --member "$city" User)
    ms au add-member --as "$ADMIN" --au "$city" "${members[@]}" >/dev/null
    echo "create-and-populate: $city: 20 members added"
done

scoped() {
    local city=$1 role=$2
    mapfile -t managers < <(people --principal "$city" Manager)
    ms au assign --as "$ADMIN" --au "$city" --role "$role" "${managers[@]}" >/dev/null
    echo "create-and-populate: $city managers: $role scoped to $city"
}
scoped Seattle "Authentication Administrator"
scoped Portland "Helpdesk Administrator"
scoped Denver "Authentication Administrator"
scoped Denver "Helpdesk Administrator"
scoped Chicago "User Administrator"

mapfile -t managers < <(people --principal Orlando Manager)
ms role assign --as "$ADMIN" --role "User Administrator" "${managers[@]}" >/dev/null
echo "create-and-populate: Orlando managers: User Administrator tenant-wide"
