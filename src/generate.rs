//! `mystaff generate`: a large, deterministic, valid tenant in the fixture format, for scale tests
//! and benchmarks (up to two million users in ten thousand locations).
//!
//! Streams: users, locations and role assignments are written as they are made, through a
//! `BufWriter`, so memory stays small whatever the size. Everything derives from the seed and an
//! entity's position, so the same arguments always give the same bytes, and an AU's member list or
//! a manager's assignments can be re-derived later without keeping the users in memory.
//!
//! Shape (per location `l`, users `0..N`): the first few users are the location's managers (not
//! members of it, as in the seed's Contoso tenant) with the seed's mix of AU-scoped roles; the rest
//! are its staff and the location's members. A handful of head-office admins hold tenant-scope
//! roles; a role-assignable group carries a tenant-wide Helpdesk Administrator role.

use std::io::{self, Write};

use crate::roles::Role;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub locations: u32,
    /// Users per location, managers included.
    pub users_per_location: u32,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub users: u64,
    pub locations: u64,
    pub role_assignments: u64,
    pub bytes: u64,
}

pub const DOMAIN: &str = "nwtraders.com";

/// Given names: sizeable and varied, ASCII letters only once lowercased for UPNs.
pub const FIRST_NAMES: &[&str] = &[
    "Aaliyah",
    "Aaron",
    "Abigail",
    "Adam",
    "Adrian",
    "Aiden",
    "Aisha",
    "Alejandro",
    "Alex",
    "Alexander",
    "Alexis",
    "Alice",
    "Alicia",
    "Allison",
    "Amanda",
    "Amara",
    "Amber",
    "Amelia",
    "Amir",
    "Amy",
    "Ana",
    "Andre",
    "Andrea",
    "Andrew",
    "Angel",
    "Angela",
    "Anna",
    "Anthony",
    "Antonio",
    "Aria",
    "Ariana",
    "Arjun",
    "Ashley",
    "Ava",
    "Barbara",
    "Beatriz",
    "Benjamin",
    "Bianca",
    "Blake",
    "Brandon",
    "Brenda",
    "Brian",
    "Brittany",
    "Caleb",
    "Camila",
    "Carlos",
    "Carmen",
    "Carol",
    "Caroline",
    "Carter",
    "Catherine",
    "Chen",
    "Charles",
    "Charlotte",
    "Chloe",
    "Christian",
    "Christina",
    "Christopher",
    "Claire",
    "Cody",
    "Colton",
    "Connor",
    "Cynthia",
    "Daniel",
    "Daniela",
    "David",
    "Deborah",
    "Denise",
    "Derek",
    "Destiny",
    "Diana",
    "Diego",
    "Dmitri",
    "Dominic",
    "Donna",
    "Dylan",
    "Easton",
    "Eduardo",
    "Elena",
    "Eli",
    "Elijah",
    "Elizabeth",
    "Ella",
    "Emily",
    "Emma",
    "Eric",
    "Ethan",
    "Eva",
    "Evelyn",
    "Fatima",
    "Felix",
    "Fernando",
    "Fiona",
    "Gabriel",
    "Gabriela",
    "Gavin",
    "Grace",
    "Hailey",
    "Hannah",
    "Harper",
    "Hassan",
    "Heather",
    "Hector",
    "Henry",
    "Hiro",
    "Hunter",
    "Ian",
    "Imani",
    "Isaac",
    "Isabel",
    "Isabella",
    "Ivan",
    "Jack",
    "Jacob",
    "Jada",
    "Jake",
    "James",
    "Jamal",
    "Jasmine",
    "Jason",
    "Javier",
    "Jayden",
    "Jennifer",
    "Jessica",
    "Jin",
    "Joanna",
    "Jonathan",
    "Jordan",
    "Jorge",
    "Jose",
    "Joseph",
    "Joshua",
    "Juan",
    "Julia",
    "Julian",
    "Justin",
    "Kai",
    "Karen",
    "Katherine",
    "Kayla",
    "Keisha",
    "Kenji",
    "Kevin",
    "Kimberly",
    "Kyle",
    "Laura",
    "Lauren",
    "Layla",
    "Leah",
    "Leo",
    "Liam",
    "Lily",
    "Linda",
    "Logan",
    "Lucas",
    "Lucia",
    "Luis",
    "Luna",
    "Madison",
    "Malik",
    "Marco",
    "Maria",
    "Mariana",
    "Mark",
    "Mason",
    "Matthew",
    "Maya",
    "Mei",
    "Melissa",
    "Mia",
    "Michael",
    "Michelle",
    "Miguel",
    "Mila",
    "Mohammed",
    "Monica",
    "Nadia",
    "Naomi",
    "Natalie",
    "Nathan",
    "Nicole",
    "Noah",
    "Nora",
    "Olivia",
    "Omar",
    "Oscar",
    "Owen",
    "Pablo",
    "Patricia",
    "Paul",
    "Pedro",
    "Priya",
    "Rachel",
    "Rafael",
    "Rahul",
    "Rebecca",
    "Ricardo",
    "Riley",
    "Robert",
    "Rosa",
    "Ryan",
    "Samantha",
    "Samuel",
    "Sara",
    "Sarah",
    "Scarlett",
    "Sebastian",
    "Sofia",
    "Sophia",
    "Stephanie",
    "Steven",
    "Tamara",
    "Tanya",
    "Taylor",
    "Thomas",
    "Tiffany",
    "Tyler",
    "Valentina",
    "Vanessa",
    "Victor",
    "Victoria",
    "Vikram",
    "William",
    "Wyatt",
    "Xavier",
    "Yasmin",
    "Yuki",
    "Zachary",
    "Zara",
    "Zoe",
];

/// Family names.
pub const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Acosta",
    "Adams",
    "Aguilar",
    "Ahmed",
    "Ali",
    "Allen",
    "Alvarez",
    "Anderson",
    "Andrews",
    "Armstrong",
    "Bailey",
    "Baker",
    "Banks",
    "Barnes",
    "Bell",
    "Bennett",
    "Bishop",
    "Black",
    "Brooks",
    "Brown",
    "Bryant",
    "Burke",
    "Butler",
    "Campbell",
    "Carter",
    "Castillo",
    "Castro",
    "Chan",
    "Chang",
    "Chavez",
    "Chen",
    "Choi",
    "Clark",
    "Cole",
    "Coleman",
    "Collins",
    "Cook",
    "Cooper",
    "Cruz",
    "Daniels",
    "Davis",
    "Diaz",
    "Dixon",
    "Edwards",
    "Ellis",
    "Evans",
    "Fernandez",
    "Fisher",
    "Flores",
    "Ford",
    "Foster",
    "Garcia",
    "Gardner",
    "Gibson",
    "Gomez",
    "Gonzalez",
    "Gordon",
    "Graham",
    "Grant",
    "Gray",
    "Green",
    "Griffin",
    "Gupta",
    "Gutierrez",
    "Hall",
    "Hamilton",
    "Harris",
    "Hayes",
    "Henderson",
    "Hernandez",
    "Hill",
    "Ho",
    "Holmes",
    "Hughes",
    "Hunt",
    "Ibrahim",
    "Jackson",
    "James",
    "Jenkins",
    "Jimenez",
    "Johnson",
    "Jones",
    "Jordan",
    "Kang",
    "Kaur",
    "Kelly",
    "Kennedy",
    "Khan",
    "Kim",
    "King",
    "Knight",
    "Kumar",
    "Lam",
    "Lee",
    "Lewis",
    "Li",
    "Lin",
    "Liu",
    "Long",
    "Lopez",
    "Marshall",
    "Martin",
    "Martinez",
    "Mason",
    "Medina",
    "Mendoza",
    "Meyer",
    "Miller",
    "Mitchell",
    "Moore",
    "Morales",
    "Morgan",
    "Morris",
    "Murphy",
    "Murray",
    "Myers",
    "Nakamura",
    "Nelson",
    "Nguyen",
    "Novak",
    "Obrien",
    "Okafor",
    "Olson",
    "Ortiz",
    "Owens",
    "Palmer",
    "Park",
    "Parker",
    "Patel",
    "Perez",
    "Perry",
    "Peterson",
    "Phillips",
    "Pierce",
    "Powell",
    "Price",
    "Ramirez",
    "Ramos",
    "Reed",
    "Reyes",
    "Reynolds",
    "Rice",
    "Richardson",
    "Rivera",
    "Roberts",
    "Robinson",
    "Rodriguez",
    "Rogers",
    "Romero",
    "Ross",
    "Ruiz",
    "Russell",
    "Sanchez",
    "Sanders",
    "Schmidt",
    "Scott",
    "Shah",
    "Shaw",
    "Silva",
    "Simmons",
    "Singh",
    "Smith",
    "Snyder",
    "Stevens",
    "Stewart",
    "Sullivan",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Thompson",
    "Torres",
    "Tran",
    "Turner",
    "Vargas",
    "Vasquez",
    "Wagner",
    "Walker",
    "Wallace",
    "Wang",
    "Ward",
    "Warren",
    "Washington",
    "Watson",
    "Webb",
    "Wells",
    "West",
    "White",
    "Williams",
    "Wilson",
    "Wong",
    "Wood",
    "Wright",
    "Wu",
    "Yamamoto",
    "Yang",
    "Young",
    "Zhang",
    "Becker",
    "Cohen",
    "Dunn",
    "Fox",
    "Hoffman",
    "Mehta",
    "Ochoa",
    "Pham",
    "Quinn",
    "Rossi",
    "Sato",
    "Yilmaz",
];

/// (city, area code) that locations are named after.
pub const CITIES: &[(&str, &str)] = &[
    ("Seattle", "206"),
    ("Portland", "503"),
    ("Denver", "303"),
    ("Chicago", "312"),
    ("Orlando", "407"),
    ("Atlanta", "404"),
    ("Austin", "512"),
    ("Boston", "617"),
    ("Dallas", "214"),
    ("Houston", "713"),
    ("Phoenix", "602"),
    ("Miami", "305"),
    ("Nashville", "615"),
    ("Detroit", "313"),
    ("Columbus", "614"),
    ("Charlotte", "704"),
    ("San Diego", "619"),
    ("Sacramento", "916"),
    ("Salt Lake City", "801"),
    ("Minneapolis", "612"),
    ("Kansas City", "816"),
    ("St. Louis", "314"),
    ("Pittsburgh", "412"),
    ("Baltimore", "410"),
    ("Raleigh", "919"),
    ("Tampa", "813"),
    ("Las Vegas", "702"),
    ("Albuquerque", "505"),
    ("Omaha", "402"),
    ("Milwaukee", "414"),
    ("Cleveland", "216"),
    ("Indianapolis", "317"),
    ("Louisville", "502"),
    ("Memphis", "901"),
    ("New Orleans", "504"),
    ("Oklahoma City", "405"),
    ("Tucson", "520"),
    ("Fresno", "559"),
    ("Boise", "208"),
    ("Spokane", "509"),
    ("Anchorage", "907"),
    ("Honolulu", "808"),
    ("Richmond", "804"),
    ("Buffalo", "716"),
    ("Hartford", "860"),
    ("Providence", "401"),
    ("Birmingham", "205"),
    ("Tulsa", "918"),
    ("Des Moines", "515"),
    ("Madison", "608"),
];

/// Kinds of location, cycled.
const SITES: &[&str] = &[
    "Store",
    "Warehouse",
    "Distribution Center",
    "Store",
    "Outlet",
];

/// Staff job titles, with repeats for weight.
const STAFF_TITLES: &[&str] = &[
    "Sales Associate",
    "Sales Associate",
    "Sales Associate",
    "Cashier",
    "Cashier",
    "Stock Associate",
    "Stock Associate",
    "Shift Lead",
    "Visual Merchandiser",
    "Customer Service Associate",
    "Warehouse Associate",
    "Forklift Operator",
    "Picker",
    "Packer",
    "Delivery Driver",
    "Receiving Clerk",
    "Inventory Specialist",
    "Pharmacy Technician",
    "Baker",
    "Deli Associate",
];

const MANAGER_TITLES: &[&str] = &[
    "Store Manager",
    "Assistant Store Manager",
    "Operations Manager",
];

/// The seed's mix of AU-scoped manager roles (Contoso's Seattle, Portland, Denver, Chicago
/// managers), plus the seed's single-role extras (Password, Groups Administrator).
fn manager_roles(i: u64) -> &'static [Role] {
    const MIX: [&[Role]; 6] = [
        &[Role::AUTHENTICATION_ADMINISTRATOR],
        &[Role::HELPDESK_ADMINISTRATOR],
        &[
            Role::AUTHENTICATION_ADMINISTRATOR,
            Role::HELPDESK_ADMINISTRATOR,
        ],
        &[Role::USER_ADMINISTRATOR],
        &[Role::PASSWORD_ADMINISTRATOR],
        &[Role::HELPDESK_ADMINISTRATOR, Role::GROUPS_ADMINISTRATOR],
    ];
    MIX[(i % MIX.len() as u64) as usize]
}

/// Head-office admins: (local part, display name, job title, tenant-scope role).
const ADMINS: &[(&str, &str, &str, Role)] = &[
    (
        "admin",
        "Global Admin",
        "IT Administrator",
        Role::GLOBAL_ADMINISTRATOR,
    ),
    (
        "roleadmin",
        "Role Admin",
        "IT Administrator",
        Role::PRIVILEGED_ROLE_ADMINISTRATOR,
    ),
    (
        "privauth",
        "Privileged Auth Admin",
        "Identity Administrator",
        Role::PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
    ),
    (
        "useradmin1",
        "User Admin One",
        "Identity Administrator",
        Role::USER_ADMINISTRATOR,
    ),
    (
        "useradmin2",
        "User Admin Two",
        "Identity Administrator",
        Role::USER_ADMINISTRATOR,
    ),
    (
        "auditor",
        "Internal Auditor",
        "Internal Auditor",
        Role::DIRECTORY_READERS,
    ),
];
/// Members of the role-assignable "IT Helpdesk" group (local parts).
const HELPDESK_MEMBERS: &[(&str, &str)] =
    &[("helpdesk1", "Helpdesk One"), ("helpdesk2", "Helpdesk Two")];

/// Managers per location: several where the location is big enough.
pub fn managers_per_location(users_per_location: u32) -> u32 {
    match users_per_location {
        0 => 0,
        1..=9 => 1,
        10..=59 => 2,
        _ => 3,
    }
}

/// splitmix64: a tiny, good, deterministic mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic version-4-shaped GUID for entity `n` of kind `kind`, written into a buffer
/// (this runs for every entity of a tenant of millions).
fn guid(seed: u64, kind: u64, n: u64) -> [u8; 36] {
    let a = mix(seed ^ mix(kind.wrapping_mul(0x1000_0000_01B3) ^ mix(n)));
    let b = mix(a ^ n);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    let mut out = [0u8; 36];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut out);
    out
}

const K_TENANT: u64 = 1;
const K_USER: u64 = 2;
const K_AU: u64 = 3;
const K_ASSIGNMENT: u64 = 4;
const K_GROUP: u64 = 5;
const K_ADMIN: u64 = 6;

fn s(g: &[u8; 36]) -> &str {
    // Only ASCII hex digits and dashes.
    std::str::from_utf8(g).unwrap_or_default()
}

/// Writes a JSON string (quotes included).
fn jstr<W: Write>(w: &mut W, v: &str) -> io::Result<()> {
    w.write_all(b"\"")?;
    let b = v.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' || c == b'\\' || c < 0x20 {
            w.write_all(&b[start..i])?;
            match c {
                b'"' => w.write_all(b"\\\"")?,
                b'\\' => w.write_all(b"\\\\")?,
                _ => write!(w, "\\u{:04x}", c)?,
            }
            start = i + 1;
        }
    }
    w.write_all(&b[start..])?;
    w.write_all(b"\"")
}

/// Lowercase ASCII letters of a name, for UPNs.
fn upn_part(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A location's display name: "Seattle Store 3", unique across the tenant.
pub fn location_name(l: u64) -> String {
    let (city, _) = CITIES[(l % CITIES.len() as u64) as usize];
    let n = l / CITIES.len() as u64;
    let site = SITES[(n % SITES.len() as u64) as usize];
    format!("{city} {site} {}", n + 1)
}

/// Counts bytes written.
struct Counting<W> {
    inner: W,
    n: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the tenant to `out` (wrap files in a `BufWriter`; this writes in small pieces).
pub fn write_tenant<W: Write>(spec: Spec, out: W) -> io::Result<Summary> {
    let mut w = Counting { inner: out, n: 0 };
    let seed = spec.seed;
    let locs = spec.locations as u64;
    let per = spec.users_per_location as u64;
    let mgrs = managers_per_location(spec.users_per_location) as u64;
    let mut summary = Summary {
        locations: locs,
        ..Summary::default()
    };

    writeln!(w, "{{\"schemaVersion\":1,")?;
    writeln!(
        w,
        "\"tenant\":{{\"id\":\"{}\",\"displayName\":\"Northwind Traders (generated, seed {seed})\",\"defaultDomain\":\"{DOMAIN}\"}},",
        s(&guid(seed, K_TENANT, 0))
    )?;
    writeln!(w, "\"settings\":{{\"myStaff\":{{\"access\":\"all\"}}}},")?;

    // ---- users ----
    writeln!(w, "\"users\":[")?;
    let mut first = true;
    let mut sep = |w: &mut Counting<W>| -> io::Result<()> {
        if !std::mem::take(&mut first) {
            w.write_all(b",\n")?;
        }
        Ok(())
    };
    // Head office: tenant-scope admins and the helpdesk group's members.
    for (i, (local, name, title, _)) in ADMINS.iter().enumerate() {
        sep(&mut w)?;
        write!(
            w,
            "{{\"id\":\"{}\",\"userPrincipalName\":\"{local}@{DOMAIN}\",\"displayName\":\"{name}\",\"jobTitle\":\"{title}\",\"department\":\"IT\",\"assignedLicenses\":[\"AAD_PREMIUM_P2\"],\"phoneMethods\":[{{\"phoneType\":\"mobile\",\"phoneNumber\":\"+1 42555501{i:02}\"}}]}}",
            s(&guid(seed, K_ADMIN, i as u64))
        )?;
        summary.users += 1;
    }
    for (i, (local, name)) in HELPDESK_MEMBERS.iter().enumerate() {
        let i = i + ADMINS.len();
        sep(&mut w)?;
        write!(
            w,
            "{{\"id\":\"{}\",\"userPrincipalName\":\"{local}@{DOMAIN}\",\"displayName\":\"{name}\",\"jobTitle\":\"Helpdesk Technician\",\"department\":\"IT\",\"assignedLicenses\":[\"AAD_PREMIUM\"]}}",
            s(&guid(seed, K_ADMIN, i as u64))
        )?;
        summary.users += 1;
    }
    // UPN suffixes: how many users already have each first.last.
    let mut seen = vec![0u32; FIRST_NAMES.len() * LAST_NAMES.len()];
    let first_upn: Vec<String> = FIRST_NAMES.iter().map(|n| upn_part(n)).collect();
    let last_upn: Vec<String> = LAST_NAMES.iter().map(|n| upn_part(n)).collect();
    let mut line = String::with_capacity(512);
    for l in 0..locs {
        let (_, area) = CITIES[(l % CITIES.len() as u64) as usize];
        for k in 0..per {
            let n = l * per + k;
            let r = mix(seed ^ mix(n ^ 0x5EED));
            let fi = (r % FIRST_NAMES.len() as u64) as usize;
            let li = ((r >> 16) % LAST_NAMES.len() as u64) as usize;
            let slot = &mut seen[fi * LAST_NAMES.len() + li];
            *slot += 1;
            let dup = *slot;
            let manager = k < mgrs;
            line.clear();
            use std::fmt::Write as _;
            let _ = write!(
                line,
                "{{\"id\":\"{}\",\"userPrincipalName\":\"{}.{}",
                s(&guid(seed, K_USER, n)),
                first_upn[fi],
                last_upn[li]
            );
            if dup > 1 {
                let _ = write!(line, "{dup}");
            }
            let _ = write!(
                line,
                "@{DOMAIN}\",\"displayName\":\"{} {}\",\"jobTitle\":\"{}\"",
                FIRST_NAMES[fi],
                LAST_NAMES[li],
                if manager {
                    MANAGER_TITLES[(k % MANAGER_TITLES.len() as u64) as usize]
                } else {
                    STAFF_TITLES[((r >> 32) % STAFF_TITLES.len() as u64) as usize]
                }
            );
            let roll = (r >> 40) % 100;
            if !manager && roll == 0 {
                line.push_str(",\"accountEnabled\":false");
            }
            if !manager && (5..10).contains(&roll) {
                // Synced from on-premises AD (5%).
                let _ = write!(
                    line,
                    ",\"onPremisesSyncEnabled\":true,\"onPremisesSamAccountName\":\"{}{}{}\"",
                    &first_upn[fi][..1],
                    &last_upn[li][..last_upn[li].len().min(10)],
                    n % 100_000
                );
            }
            if manager {
                line.push_str(",\"assignedLicenses\":[\"AAD_PREMIUM\"]");
            }
            // Mobiles: managers and about 30% of staff; unique (the local number is a bijection of n).
            let local = (n.wrapping_mul(7919) + seed) % 10_000_000;
            if manager || roll >= 70 {
                let _ = write!(
                    line,
                    ",\"phoneMethods\":[{{\"phoneType\":\"mobile\",\"phoneNumber\":\"+1 {area}{local:07}\"}}"
                );
                if roll >= 97 {
                    let _ = write!(
                        line,
                        ",{{\"phoneType\":\"office\",\"phoneNumber\":\"+1 {area}5550100x{}\"}}",
                        k + 1
                    );
                }
                line.push(']');
            }
            line.push('}');
            sep(&mut w)?;
            w.write_all(line.as_bytes())?;
            summary.users += 1;
        }
    }
    writeln!(w, "\n],")?;

    // ---- groups ----
    let group = guid(seed, K_GROUP, 0);
    write!(
        w,
        "\"groups\":[{{\"id\":\"{}\",\"displayName\":\"IT Helpdesk\",\"isAssignableToRole\":true,\"members\":[",
        s(&group)
    )?;
    for i in 0..HELPDESK_MEMBERS.len() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write!(
            w,
            "\"{}\"",
            s(&guid(seed, K_ADMIN, (i + ADMINS.len()) as u64))
        )?;
    }
    writeln!(w, "]}}],")?;

    // ---- administrative units (locations) ----
    writeln!(w, "\"administrativeUnits\":[")?;
    for l in 0..locs {
        if l > 0 {
            w.write_all(b",\n")?;
        }
        let name = location_name(l);
        write!(
            w,
            "{{\"id\":\"{}\",\"displayName\":",
            s(&guid(seed, K_AU, l))
        )?;
        jstr(&mut w, &name)?;
        w.write_all(b",\"description\":")?;
        jstr(&mut w, &format!("Northwind {name}"))?;
        w.write_all(b",\"members\":[")?;
        for k in mgrs..per {
            if k > mgrs {
                w.write_all(b",")?;
            }
            w.write_all(b"\"")?;
            w.write_all(&guid(seed, K_USER, l * per + k))?;
            w.write_all(b"\"")?;
        }
        w.write_all(b"]}")?;
    }
    writeln!(w, "\n],")?;

    // ---- role assignments ----
    writeln!(w, "\"roleAssignments\":[")?;
    let mut ra = 0u64;
    let mut assignment = |w: &mut Counting<W>,
                          role: Role,
                          principal: &str,
                          scope: &str|
     -> io::Result<()> {
        if ra > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            "{{\"id\":\"{}\",\"roleDefinitionId\":\"{}\",\"principalId\":\"{principal}\",\"directoryScopeId\":\"{scope}\"}}",
            s(&guid(seed, K_ASSIGNMENT, ra)),
            role.template_id()
        )?;
        ra += 1;
        Ok(())
    };
    for (i, (_, _, _, role)) in ADMINS.iter().enumerate() {
        assignment(&mut w, *role, s(&guid(seed, K_ADMIN, i as u64)), "/")?;
    }
    assignment(&mut w, Role::HELPDESK_ADMINISTRATOR, s(&group), "/")?;
    for l in 0..locs {
        let scope = format!("/administrativeUnits/{}", s(&guid(seed, K_AU, l)));
        for k in 0..mgrs {
            let manager = guid(seed, K_USER, l * per + k);
            for &role in manager_roles(l + k) {
                assignment(&mut w, role, s(&manager), &scope)?;
            }
        }
    }
    summary.role_assignments = ra;
    writeln!(w, "\n]}}")?;
    w.flush()?;
    summary.bytes = w.n;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_lists_have_distinct_upn_parts() {
        for list in [FIRST_NAMES, LAST_NAMES] {
            let mut v: Vec<String> = list.iter().map(|n| upn_part(n)).collect();
            assert!(v.iter().all(|p| !p.is_empty()));
            v.sort();
            let n = v.len();
            v.dedup();
            assert_eq!(v.len(), n, "two names give the same UPN part");
        }
        assert!(FIRST_NAMES.len() >= 200 && LAST_NAMES.len() >= 200);
    }

    #[test]
    fn small_tenant_loads_and_is_deterministic() {
        let spec = Spec {
            locations: 7,
            users_per_location: 40,
            seed: 3,
        };
        let mut a = Vec::new();
        let sum = write_tenant(spec, &mut a).unwrap();
        let mut b = Vec::new();
        write_tenant(spec, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(sum.bytes, a.len() as u64);
        let t = crate::fixture::load("generated", &a).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.users.len() as u64, sum.users);
        assert_eq!(
            t.users.len(),
            7 * 40 + ADMINS.len() + HELPDESK_MEMBERS.len()
        );
        assert_eq!(t.aus.len(), 7);
        assert_eq!(t.aus[0].members.len(), 38);
        assert!(t.users.iter().any(|u| u.synced));
        assert!(
            t.assignments
                .iter()
                .any(|a| a.scope == crate::model::Scope::Tenant)
        );
        // A different seed gives a different tenant.
        let mut c = Vec::new();
        write_tenant(Spec { seed: 4, ..spec }, &mut c).unwrap();
        assert_ne!(a, c);
    }
}
