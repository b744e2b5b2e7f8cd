//! Property tests over fixture bytes: whatever a fixture becomes (bytes flipped, inserted or
//! deleted; a value swapped for a hostile string or a value of another type; the file cut short),
//! loading it gives a tenant or located problems, never a panic, and no problem carries a
//! character that could drive a terminal. Both loaders are tried: the plain one and the mapped one
//! the CLI uses, which must agree.

use mystaff::fixture;
use mystaff::sanitize;
use mystaff::storage::{DEFAULT_MAX_FIXTURE_BYTES, FixtureBytes};
use proptest::prelude::*;
use serde_json::Value;

const CONTOSO: &[u8] = include_bytes!("../fixtures/contoso.json");

/// The Contoso demo tenant as a tree: every kind of object, small enough to load in milliseconds.
fn small() -> &'static Value {
    static V: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    V.get_or_init(|| serde_json::from_slice(CONTOSO).unwrap())
}

/// Loads `bytes` both ways and checks what every load must be.
fn load_checked(bytes: &[u8]) -> Result<(), TestCaseError> {
    let plain = fixture::load("t.json", bytes);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    std::fs::write(&path, bytes).unwrap();
    let fb = FixtureBytes::open(&path, DEFAULT_MAX_FIXTURE_BYTES).unwrap();
    let mapped = fixture::load_mapped("t.json", &fb).map(|(t, _)| t);
    match (&plain, &mapped) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => {
            prop_assert_eq!(&a.problems, &b.problems);
            prop_assert!(!a.problems.is_empty());
            let text = a.text(true);
            for line in text.lines() {
                prop_assert!(
                    !line.chars().any(sanitize::is_unsafe),
                    "unsafe character in {:?}",
                    line
                );
                prop_assert!(
                    line.chars().count() < 1000,
                    "a {}-character line",
                    line.len()
                );
            }
        }
        _ => prop_assert!(
            false,
            "the loaders disagree: {:?} / {:?}",
            plain.is_ok(),
            mapped.is_ok()
        ),
    }
    Ok(())
}

/// Every path to a leaf or a container in `v`, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Strings with what hostile input holds: controls, line breaks, bidi, huge runs, odd Unicode.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a-z ]{0,40}",
        (1usize..5000).prop_map(|n| "x".repeat(n)),
        Just(String::new()),
        Just("+1 2065550101".to_string()),
        Just("/".to_string()),
        Just("62e90394-69f5-4237-9190-012177145e10".to_string()),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        hostile_string().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Default::default())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Values replaced anywhere in the tree by hostile strings or values of other types.
    #[test]
    fn a_fixture_with_hostile_values_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any_value()), 1..6),
    ) {
        let mut v = small().clone();
        for (at, new) in edits {
            let mut ptrs = Vec::new();
            pointers(&v, String::new(), &mut ptrs);
            let p = &ptrs[at.index(ptrs.len())];
            if p.is_empty() {
                continue;
            }
            if let Some(slot) = v.pointer_mut(p) {
                *slot = new;
            }
        }
        load_checked(&serde_json::to_vec(&v).unwrap())?;
    }

    /// Raw bytes flipped, inserted, deleted, or the file cut short.
    #[test]
    fn a_mangled_fixture_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = serde_json::to_vec_pretty(small()).unwrap();
        for (at, b, how) in edits {
            let i = at.index(bytes.len() + 1);
            match how {
                0 if i < bytes.len() => bytes[i] = b,
                1 => bytes.insert(i, b),
                _ if i < bytes.len() => drop(bytes.remove(i)),
                _ => {}
            }
        }
        if let Some(c) = cut {
            bytes.truncate(c.index(bytes.len() + 1));
        }
        load_checked(&bytes)?;
    }
}

#[test]
fn the_unmangled_tenant_loads() {
    let bytes = serde_json::to_vec(small()).unwrap();
    fixture::load("t.json", &bytes).expect("Contoso is valid");
}
