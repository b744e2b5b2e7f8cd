#!/usr/bin/env bash
# The seed's setup script as mystaff commands: creates the users and managers of the five Contoso
# stores (ContosoSeattleUser1–20 … ContosoOrlandoManager1–20) in an empty Contoso tenant, with the
# same names, profiles and phone numbers as fixtures/contoso.json.
#
#   examples/contoso-setup.sh target/debug/mystaff /tmp/contoso-demo
#
# The seed's last three commands activate directory roles in the tenant; mystaff's role catalog is
# always active, so there is nothing to do for them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/contoso-common.sh"

JOB_TITLES=("Shift Lead" "Sales Associate" "Cashier" "Stock Associate" "Visual Merchandiser"
    "Sales Associate" "Cashier" "Stock Associate" "Sales Associate" "Shift Lead" "Cashier"
    "Sales Associate" "Stock Associate" "Visual Merchandiser" "Cashier" "Sales Associate"
    "Stock Associate" "Sales Associate" "Cashier" "Customer Service Associate")

phone() {
    ms phone add --as "$ADMIN" --target "$1@$DOMAIN" --type "$2" --number "$3" >/dev/null
}

for city in "${CITIES[@]}"; do
    area=${AREA[$city]}
    lower=${city,,}
    for n in $(seq 1 20); do
        nn=$(printf '%02d' "$n")
        user=Contoso${city}User${n}
        args=(--upn "$user@$DOMAIN" --display-name "Contoso $city User $n"
            --job-title "${JOB_TITLES[n - 1]}" --department Retail --office-location "$city"
            --license O365_F3)
        # Users 4, 8, 12 and 16 are synced from on-premises AD.
        if ((n % 4 == 0 && n <= 16)); then
            args+=(--synced --sam "${lower}u${n}")
        fi
        # Two disabled accounts, as in the fixture.
        if ((n == 20)) && [[ $city == Seattle || $city == Denver ]]; then
            args+=(--disabled)
        fi
        # New cloud users get a temporary password; the demo does not need them.
        ms user create --as "$ADMIN" "${args[@]}" >/dev/null
        if ((n % 2 == 1)); then phone "$user" mobile "+1 ${area}55501${nn}"; fi
        if ((n == 5)); then phone "$user" alternateMobile "+1 ${area}55501$((50 + n))"; fi
        if ((n % 3 == 0)); then phone "$user" office "+1 ${area}5550200x1${nn}"; fi
    done
    for n in $(seq 1 20); do
        nn=$(printf '%02d' "$n")
        manager=Contoso${city}Manager${n}
        ms user create --as "$ADMIN" --upn "$manager@$DOMAIN" \
            --display-name "Contoso $city Manager $n" --job-title "Store Manager" \
            --department Retail --office-location "$city" --license AAD_PREMIUM >/dev/null
        phone "$manager" mobile "+1 ${area}55503${nn}"
    done
    echo "setup: $city: 20 users and 20 managers created"
done
