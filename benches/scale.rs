//! Scale benchmarks for issue 5: load, search per keystroke, permission decisions, journal replay
//! and append, with nucleo-matcher and `fzf --filter` baselines in the same run.
//!
//! `cargo bench --bench scale` generates a tenant (src/generate.rs) into a temp dir, prints the
//! report table (median / p99 per target, baselines as ratios), then runs the divan micro-benches.
//!
//! Environment:
//! - `MYSTAFF_BENCH_USERS` (default 2000000): tenant size; 200 users per location.
//! - `MYSTAFF_BENCH_REPORT=0`: skip the report table (divan only).
//! - `MYSTAFF_BENCH_REPS` (default 5): how often each typed query is replayed for p99.
//! - `MYSTAFF_BENCH_ONLY=search`: the report's search part only (index build, keystrokes with
//!   the work each did, baselines), and no divan micro-benches.
//! - `MYSTAFF_BENCH_DIVAN=0`: skip the divan micro-benches.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use mystaff::generate::{Spec, write_tenant};
use mystaff::model::{Principal, Tenant};
use mystaff::permissions::{self, Action, Target};
use mystaff::search::{SearchCache, SearchIndex, SearchStats};
use mystaff::session::{OpenOptions, Session};
use mystaff::tui::{App, theme, ui};

/// Typed queries, keystroke by keystroke.
const TYPED: &[&str] = &["seatt", "ava smi", "ryan.agu", "zqxj"];
const LIMIT: usize = 200;

struct World {
    _dir: tempfile::TempDir,
    fixture: PathBuf,
    bytes: u64,
    users: u64,
    tenant: Tenant,
    index: SearchIndex,
    haystacks: Vec<String>,
}

static WORLD: OnceLock<World> = OnceLock::new();

fn world() -> &'static World {
    WORLD.get_or_init(|| {
        let users: u64 = std::env::var("MYSTAFF_BENCH_USERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(2_000_000);
        let per = 200u64.min(users.max(1));
        let spec = Spec {
            locations: (users / per).max(1) as u32,
            users_per_location: per as u32,
            seed: 1,
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let fixture = dir.path().join("tenant.json");
        let t0 = Instant::now();
        let f = std::fs::File::create(&fixture).expect("create fixture");
        let summary =
            write_tenant(spec, std::io::BufWriter::with_capacity(1 << 20, f)).expect("generate");
        eprintln!(
            "generated {} users in {} locations ({:.1} MB) in {:.2?}",
            summary.users,
            summary.locations,
            summary.bytes as f64 / 1e6,
            t0.elapsed()
        );
        let (tenant, _, _) = mystaff::session::load_fixture(
            Some(&fixture),
            mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES,
        )
        .expect("load");
        let index = SearchIndex::new(&tenant);
        let haystacks = haystacks(&tenant);
        World {
            _dir: dir,
            fixture,
            bytes: summary.bytes,
            users: summary.users,
            tenant,
            index,
            haystacks,
        }
    })
}

/// The same texts the search index matches: AU names, then "Display Name  upn".
fn haystacks(t: &Tenant) -> Vec<String> {
    let mut v: Vec<String> = t.live_aus().map(|a| t.au(a).display_name.clone()).collect();
    v.extend(t.live_users().map(|u| {
        let u = t.user(u);
        format!("{}  {}", u.display_name(), u.upn())
    }));
    v
}

fn keystrokes(q: &str) -> Vec<&str> {
    q.char_indices()
        .map(|(i, c)| &q[..i + c.len_utf8()])
        .filter(|p| !p.ends_with(' '))
        .collect()
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// nucleo-matcher: score every haystack (one thread), keep the best `LIMIT`.
struct Nucleo {
    hay: Vec<nucleo_matcher::Utf32String>,
}

impl Nucleo {
    fn new(h: &[String]) -> Nucleo {
        Nucleo {
            hay: h.iter().map(|s| s.as_str().into()).collect(),
        }
    }
    fn search(&self, q: &str) -> usize {
        use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
        let mut m = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
        let p = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
        let mut hits: Vec<(u32, u32)> = Vec::new();
        for (i, h) in self.hay.iter().enumerate() {
            if let Some(s) = p.score(h.slice(..), &mut m) {
                hits.push((s, i as u32));
            }
        }
        let k = LIMIT.min(hits.len());
        if k > 0 && k < hits.len() {
            hits.select_nth_unstable_by_key(k - 1, |&(s, i)| (std::cmp::Reverse(s), i));
        }
        hits.truncate(k);
        hits.sort_unstable_by_key(|&(s, i)| (std::cmp::Reverse(s), i));
        hits.len()
    }
}

fn fzf_available() -> bool {
    Command::new("fzf")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn fzf(names: &Path, q: &str) -> Duration {
    let t0 = Instant::now();
    let input = std::fs::File::open(names).expect("names");
    let _ = Command::new("fzf")
        .args(["--filter", q])
        .stdin(input)
        .stdout(Stdio::null())
        .status();
    t0.elapsed()
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Child mode: load the fixture once and print the peak RSS.
fn child_load(path: &str) {
    let t0 = Instant::now();
    let r = mystaff::session::load_fixture(
        Some(Path::new(path)),
        mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES,
    );
    let el = t0.elapsed();
    let (t, bytes, _) = r.expect("load");
    drop(bytes);
    println!(
        "{} {} {}",
        el.as_secs_f64(),
        vm_hwm_kb().unwrap_or(0),
        t.users.len()
    );
}

/// `MYSTAFF_BENCH_ONLY=search`: report on search only.
fn only_search() -> bool {
    std::env::var("MYSTAFF_BENCH_ONLY").as_deref() == Ok("search")
}

/// `MYSTAFF_BENCH_ONLY=delegation`: report on who-can, reach and the delegation report only.
fn only_delegation() -> bool {
    std::env::var("MYSTAFF_BENCH_ONLY").as_deref() == Ok("delegation")
}

fn report() {
    let w = world();
    let mut rows: Vec<[String; 4]> = Vec::new();
    let row = |rows: &mut Vec<[String; 4]>, a: &str, b: String, c: String, d: String| {
        println!("{a:<48} {b:>14} {c:>14}  {d}");
        rows.push([a.to_string(), b, c, d]);
    };
    println!(
        "\n== mystaff scale report: {} users, {:.0} MB fixture ==",
        w.users,
        w.bytes as f64 / 1e6
    );
    println!("{:<48} {:>14} {:>14}  notes", "what", "median", "p99/max");

    if only_delegation() {
        report_delegation(w, &mut rows, row);
        println!();
        return;
    }
    if !only_search() {
        report_load(w, &mut rows, row);
    }
    report_search(w, &mut rows, row);
    if !only_search() {
        report_rest(w, &mut rows, row);
        report_delegation(w, &mut rows, row);
    }
    println!();
}

type Row = fn(&mut Vec<[String; 4]>, &str, String, String, String);

fn report_load(w: &World, rows: &mut Vec<[String; 4]>, row: Row) {
    let exe = std::env::current_exe().expect("exe");
    let mut loads = Vec::new();
    let mut rss = 0;
    for _ in 0..3 {
        let out = Command::new(&exe)
            .env("MYSTAFF_BENCH_CHILD_LOAD", &w.fixture)
            .output()
            .expect("child");
        let s = String::from_utf8_lossy(&out.stdout);
        let mut it = s.split_whitespace();
        let secs: f64 = it.next().and_then(|x| x.parse().ok()).unwrap_or(f64::NAN);
        rss = rss.max(it.next().and_then(|x| x.parse().ok()).unwrap_or(0u64));
        loads.push(Duration::from_secs_f64(secs));
    }
    let bytes = std::fs::read(&w.fixture).expect("fixture");
    let t0 = Instant::now();
    let fx: mystaff::fixture::FixtureFile = serde_json::from_slice(&bytes).expect("serde");
    let serde_owned = t0.elapsed();
    drop(fx);
    let t0 = Instant::now();
    let digest = mystaff::storage::fixture_digest(&bytes);
    let sha = t0.elapsed();
    black_box(digest);
    drop(bytes);
    let load = pct(&mut loads, 0.5);
    row(
        rows,
        "load: fixture to Tenant (map+parse+validate+index+sha256)",
        ms(load),
        ms(*loads.iter().max().expect("runs")),
        format!(
            "{:.0} MB/s; peak RSS {:.0} MB; plain serde_json owned parse alone {} (ratio {:.2}x)",
            w.bytes as f64 / 1e6 / load.as_secs_f64(),
            rss as f64 / 1024.0,
            ms(serde_owned),
            serde_owned.as_secs_f64() / load.as_secs_f64()
        ),
    );
    row(
        rows,
        "load: fixture sha256 (journal binding)",
        ms(sha),
        String::new(),
        "on its own; the load above computes it while parsing".to_string(),
    );
}

fn report_search(w: &World, rows: &mut Vec<[String; 4]>, row: Row) {
    let mut builds = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        let idx = SearchIndex::new(&w.tenant);
        builds.push(t0.elapsed());
        black_box(idx);
    }
    row(
        rows,
        "search index build",
        ms(pct(&mut builds, 0.5)),
        ms(*builds.iter().max().expect("builds")),
        format!(
            "{} entries, {:.1} MB",
            w.index.len(),
            w.index.heap_bytes() as f64 / 1e6
        ),
    );

    // ---- search per keystroke ----
    let reps: usize = std::env::var("MYSTAFF_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let nucleo = Nucleo::new(&w.haystacks);
    let names = w._dir.path().join("names.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&names).expect("names"));
        for h in &w.haystacks {
            writeln!(f, "{h}").expect("write");
        }
    }
    let has_fzf = fzf_available();
    let (mut full, mut inc, mut nuc, mut fz) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let cancel = AtomicBool::new(false);
    let mut incremental_per_key: Vec<(String, Duration)> = Vec::new();
    for q in TYPED {
        let mut per_key: Vec<(String, Duration, Duration, Duration, Duration)> = Vec::new();
        let mut work: Vec<SearchStats> = Vec::new();
        for rep in 0..reps {
            let mut cache = SearchCache::default();
            for (k, key) in keystrokes(q).into_iter().enumerate() {
                let t0 = Instant::now();
                let a = w.index.search(key, LIMIT);
                let d_full = t0.elapsed();
                let t0 = Instant::now();
                let b = w
                    .index
                    .search_incremental(&mut cache, key, LIMIT, &cancel)
                    .expect("not cancelled");
                let d_inc = t0.elapsed();
                assert_eq!(a, b, "incremental search differs for {key:?}");
                if rep == 0 {
                    work.push(cache.stats());
                }
                let t0 = Instant::now();
                black_box(nucleo.search(key));
                let d_nuc = t0.elapsed();
                let d_fzf = if has_fzf && rep == 0 {
                    fzf(&names, key)
                } else {
                    Duration::ZERO
                };
                full.push(d_full);
                inc.push(d_inc);
                nuc.push(d_nuc);
                if has_fzf && rep == 0 {
                    fz.push(d_fzf);
                }
                if rep == 0 {
                    per_key.push((
                        format!("{key:?} ({} hits)", a.len()),
                        d_full,
                        d_inc,
                        d_nuc,
                        d_fzf,
                    ));
                } else {
                    let e = &mut per_key[k];
                    e.1 = e.1.min(d_full);
                    e.2 = e.2.min(d_inc);
                    e.3 = e.3.min(d_nuc);
                }
            }
        }
        incremental_per_key.extend(per_key.iter().map(|k| (k.0.clone(), k.2)));
        for ((key, a, b, c, d), st) in per_key.into_iter().zip(work) {
            println!(
                "  keystroke {key:<24} search {:>9}  incremental {:>9}  nucleo {:>9}  fzf {:>9}",
                ms(a),
                ms(b),
                ms(c),
                if has_fzf { ms(d) } else { "-".into() }
            );
            println!(
                "      {} scanned {:>8}  kept {:>8}  bucketed {:>8}  buckets {:>3}  scored {:>6}  skim {:>4}",
                if st.narrowed { "narrowed" } else { "full    " },
                st.scanned,
                st.kept,
                st.bucketed,
                st.buckets_visited,
                st.scored,
                st.skim_calls
            );
        }
    }
    let (nm, np) = (pct(&mut nuc, 0.5), pct(&mut nuc, 0.99));
    let (im, ip) = (pct(&mut inc, 0.5), pct(&mut inc, 0.99));
    let (fm, fp) = (pct(&mut full, 0.5), pct(&mut full, 0.99));
    row(
        rows,
        "search per keystroke: search_incremental (typing)",
        ms(im),
        ms(ip),
        format!(
            "nucleo/mystaff median ratio {:.2}x (nucleo 1 thread: {} / {})",
            nm.as_secs_f64() / im.as_secs_f64(),
            ms(nm),
            ms(np)
        ),
    );
    row(
        rows,
        "search per keystroke: search (stateless)",
        ms(fm),
        ms(fp),
        format!(
            "nucleo/mystaff median ratio {:.2}x",
            nm.as_secs_f64() / fm.as_secs_f64()
        ),
    );
    if has_fzf {
        let (zm, zp) = (pct(&mut fz, 0.5), pct(&mut fz, 0.99));
        row(
            rows,
            "baseline: fzf --filter (whole process)",
            ms(zm),
            ms(zp),
            format!(
                "fzf/mystaff-incremental median ratio {:.1}x",
                zm.as_secs_f64() / im.as_secs_f64()
            ),
        );
    } else {
        println!("  fzf not installed: fzf baseline skipped (apt-get install fzf)");
    }
    row(
        rows,
        "baseline: nucleo-matcher (1 thread, top 200)",
        ms(nm),
        ms(np),
        String::new(),
    );
    let slowest = incremental_per_key.iter().max_by_key(|k| k.1);
    if let Some((key, d)) = slowest {
        println!(
            "  slowest incremental keystroke (best of reps): {key} {}",
            ms(*d)
        );
    }
}

fn report_rest(w: &World, rows: &mut Vec<[String; 4]>, row: Row) {
    // ---- decide ----
    let d = decide_cases(&w.tenant);
    for (name, actor, action, target) in &d {
        let mut samples = Vec::new();
        for _ in 0..50 {
            let t0 = Instant::now();
            for _ in 0..200 {
                black_box(permissions::decide(
                    &w.tenant,
                    black_box(*actor),
                    *action,
                    *target,
                ));
            }
            samples.push(t0.elapsed() / 200);
        }
        let m = pct(&mut samples, 0.5);
        let p = pct(&mut samples, 0.99);
        row(
            rows,
            &format!("decide: {name}"),
            format!("{:.2} µs", m.as_secs_f64() * 1e6),
            format!("{:.2} µs", p.as_secs_f64() * 1e6),
            String::new(),
        );
    }

    // ---- journal ----
    let (replay, open_plain, appends) = journal_bench();
    row(
        rows,
        "journal: replay 100,000 entries at open",
        ms(replay),
        String::new(),
        format!(
            "(session open with the journal minus without: {})",
            ms(open_plain)
        ),
    );
    let mut appends = appends;
    row(
        rows,
        "journal: append one entry (one fsync)",
        ms(pct(&mut appends, 0.5)),
        ms(pct(&mut appends, 0.99)),
        String::new(),
    );

    // ---- rendering ----
    let mut rw = RenderWorld::new();
    let mut frames = rw.frames(500);
    row(
        rows,
        "render: 200x60 frame, 20,000-member location",
        format!("{:.3} ms", pct(&mut frames, 0.5).as_secs_f64() * 1e3),
        format!("{:.3} ms", pct(&mut frames, 0.99).as_secs_f64() * 1e3),
        format!("{} members shown", rw.app.state.main.shown.len()),
    );
    println!();
}

/// Times `f` `n` times: (median, max).
fn timed<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..n {
        let t0 = Instant::now();
        last = Some(black_box(f()));
        samples.push(t0.elapsed());
    }
    let m = pct(&mut samples, 0.5);
    let p = pct(&mut samples, 1.0);
    (m, p, last.expect("n > 0"))
}

fn report_delegation(w: &World, rows: &mut Vec<[String; 4]>, row: Row) {
    use mystaff::delegation;
    let t = &w.tenant;
    let staff: Vec<_> = (0..20)
        .map(|l| match t.aus[(l * 37) % t.aus.len()].members[5] {
            Principal::User(u) => u,
            _ => panic!("members are users"),
        })
        .collect();
    for action in [Action::ResetPassword, Action::ManagePhone] {
        let mut samples = Vec::new();
        let mut found = 0;
        for &u in &staff {
            for _ in 0..10 {
                let t0 = Instant::now();
                found = black_box(delegation::who_can(t, action, u, true)).len();
                samples.push(t0.elapsed());
            }
        }
        row(
            rows,
            &format!("who-can {action}: one staff member"),
            format!("{:.3} ms", pct(&mut samples, 0.5).as_secs_f64() * 1e3),
            format!("{:.3} ms", pct(&mut samples, 0.99).as_secs_f64() * 1e3),
            format!("goal ≤ 5 ms; {found} helpers for the last"),
        );
    }
    let mgr = t.find_user(&upn_of(t, 0, 0)).expect("manager");
    let (m, p, n) = timed(50, || {
        delegation::reach_count(t, mgr, Action::ResetPassword)
    });
    row(
        rows,
        "reach --count: AU-scoped manager",
        format!("{:.3} ms", m.as_secs_f64() * 1e3),
        format!("{:.3} ms", p.as_secs_f64() * 1e3),
        format!("goal ≤ 50 ms; reaches {n}"),
    );
    let helpdesk = (0..t.users.len())
        .map(mystaff::model::UserId::from_index)
        .find(|&u| {
            permissions::grants_of(t, Principal::User(u))
                .iter()
                .any(|g| {
                    g.scope == mystaff::model::Scope::Tenant
                        && g.role == mystaff::roles::Role::HELPDESK_ADMINISTRATOR
                })
        })
        .expect("a tenant-wide Helpdesk Administrator");
    let (m, p, n) = timed(5, || {
        delegation::reach_count(t, helpdesk, Action::ResetPassword)
    });
    row(
        rows,
        "reach --count: tenant-wide Helpdesk Administrator",
        ms(m),
        ms(p),
        format!("goal ≤ 1 s; reaches {n}"),
    );
    let (m, p, r) = timed(3, || delegation::report(t));
    row(
        rows,
        "delegation report: whole tenant",
        ms(m),
        ms(p),
        format!(
            "goal ≤ 10 s; {} locations, {} tenant-wide helpers",
            r.locations.len(),
            r.tenant_wide.len()
        ),
    );
}

type Case = (&'static str, Principal, Action, Target);

fn decide_cases(t: &Tenant) -> Vec<Case> {
    // Location 0's first manager and one of its staff; a member of location 1; the global admin.
    let mgr = t
        .find_user(&upn_of(t, 0, 0))
        .expect("manager of location 0");
    let staff = t.aus[0].members[5];
    let other = t.aus[1.min(t.aus.len() - 1)].members[5];
    let admin = t.find_user("admin@nwtraders.com").expect("admin");
    let (Principal::User(staff), Principal::User(other)) = (staff, other) else {
        panic!("members are users")
    };
    vec![
        (
            "manager resets own staff",
            Principal::User(mgr),
            Action::ResetPassword,
            Target::User(staff),
        ),
        (
            "manager resets other location",
            Principal::User(mgr),
            Action::ResetPassword,
            Target::User(other),
        ),
        (
            "global admin manages phone",
            Principal::User(admin),
            Action::ManagePhone,
            Target::User(staff),
        ),
        (
            "manager opens My Staff",
            Principal::User(mgr),
            Action::OpenMyStaff,
            Target::None,
        ),
    ]
}

/// UPN of user `k` of location `l`, found through the tenant (first user of a location is a manager).
fn upn_of(t: &Tenant, l: usize, _k: usize) -> String {
    // The manager is the first assignment scoped to location l.
    let a = t
        .assignments
        .iter()
        .find(|a| a.scope == mystaff::model::Scope::Au(mystaff::model::AuId(l as u32)))
        .expect("scoped assignment");
    t.principal_name(a.principal).to_string()
}

/// Replay of 100k entries: the journal of a few real operations, repeated. Measured on a
/// 10k-user tenant so the fixture load stays small beside the replay.
fn journal_bench() -> (Duration, Duration, Vec<Duration>) {
    let dir = tempfile::tempdir().expect("dir");
    let fixture = dir.path().join("small.json");
    write_tenant(
        Spec {
            locations: 50,
            users_per_location: 200,
            seed: 2,
        },
        std::io::BufWriter::new(std::fs::File::create(&fixture).expect("f")),
    )
    .expect("gen");
    let state = dir.path().join("state");
    let opts = OpenOptions {
        tenant_file: Some(fixture.clone()),
        state_dir: Some(state.clone()),
        ephemeral: false,
        rebase: false,
        repair: false,
        max_fixture_bytes: None,
    };
    let mut appends = Vec::new();
    {
        let mut s = Session::open(&opts, "bench").expect("open");
        let t = s.tenant();
        let admin = t.find_user("admin@nwtraders.com").expect("admin");
        let targets: Vec<mystaff::model::UserId> = t.aus[0]
            .members
            .iter()
            .take(100)
            .filter_map(|m| match m {
                Principal::User(u) => Some(*u),
                _ => None,
            })
            .collect();
        for (i, &u) in targets.iter().enumerate() {
            let n = format!("+44 7700{:06}", 900_000 + i);
            let t0 = Instant::now();
            s.set_phone(admin, u, mystaff::phone::PhoneType::Office, &n)
                .expect("set phone");
            appends.push(t0.elapsed());
        }
    }
    // Repeat the entries (not the header) to 100k lines.
    let jpath = state.join("journal.jsonl");
    let text = std::fs::read_to_string(&jpath).expect("journal");
    let mut lines = text.lines();
    let header = lines.next().expect("header").to_string();
    let entries: Vec<&str> = lines.collect();
    let mut out = String::with_capacity(text.len() * 1000 / entries.len().max(1));
    out.push_str(&header);
    out.push('\n');
    for i in 0..100_000 {
        out.push_str(entries[i % entries.len()]);
        out.push('\n');
    }
    std::fs::write(&jpath, out).expect("write journal");
    let t0 = Instant::now();
    let s = Session::open(&opts, "bench").expect("open with journal");
    let with = t0.elapsed();
    assert!(s.warnings.is_empty(), "{:?}", &s.warnings[..1]);
    assert_eq!(s.audit().len(), 100_000);
    drop(s);
    let t0 = Instant::now();
    let s = Session::open(
        &OpenOptions {
            ephemeral: true,
            state_dir: None,
            ..opts
        },
        "bench",
    )
    .expect("open");
    let without = t0.elapsed();
    drop(s);
    (with.saturating_sub(without), with, appends)
}

/// A tenant with one 20,000-member location (3 managers + 20,000 staff), its first manager signed
/// in with the location selected, drawn into a 200x60 `TestBackend` reused across frames.
struct RenderWorld {
    _dir: tempfile::TempDir,
    app: App<Session>,
    term: ratatui::Terminal<ratatui::backend::TestBackend>,
    theme: theme::Theme,
}

impl RenderWorld {
    fn new() -> RenderWorld {
        let dir = tempfile::tempdir().expect("dir");
        let fixture = dir.path().join("big-location.json");
        write_tenant(
            Spec {
                locations: 1,
                users_per_location: 20_003,
                seed: 3,
            },
            std::io::BufWriter::new(std::fs::File::create(&fixture).expect("f")),
        )
        .expect("gen");
        let (tenant, _, _) = mystaff::session::load_fixture(
            Some(&fixture),
            mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES,
        )
        .expect("load");
        let mgr = tenant
            .find_user(&upn_of(&tenant, 0, 0))
            .expect("manager of location 0");
        let session = Session::in_memory(tenant, "bench");
        let app = App::new(session, Some(mgr), (200, 60));
        assert_eq!(app.state.main.shown.len(), 20_000, "location selected");
        let term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 60))
            .expect("test backend");
        RenderWorld {
            _dir: dir,
            app,
            term,
            theme: theme::Theme::new(theme::ThemeKind::Dark),
        }
    }

    fn frame(&mut self) {
        let (state, theme) = (&self.app.state, &self.theme);
        let t = self.app.backend.tenant();
        // A frame is the view model and its drawing, as the driver does it.
        let vm = state.view(t, (200, 60));
        self.term.draw(|f| ui::draw(f, &vm, theme)).expect("draw");
    }

    fn frames(&mut self, n: usize) -> Vec<Duration> {
        self.frame();
        (0..n)
            .map(|_| {
                let t0 = Instant::now();
                self.frame();
                t0.elapsed()
            })
            .collect()
    }
}

// ---- divan micro-benchmarks ----

#[divan::bench(sample_count = 100)]
fn render_frame(bencher: divan::Bencher) {
    let mut rw = RenderWorld::new();
    bencher.bench_local(|| rw.frame());
}

#[divan::bench(args = ["s", "sea", "seatt", "ava smi", "ryan.agu", "zqxj"], sample_count = 10, sample_size = 1)]
fn search_stateless(q: &str) -> usize {
    world().index.search(q, LIMIT).len()
}

#[divan::bench(args = ["s", "sea", "seatt", "ava smi", "ryan.agu", "zqxj"], sample_count = 10, sample_size = 1)]
fn search_nucleo(bencher: divan::Bencher, q: &str) {
    let n = Nucleo::new(&world().haystacks);
    bencher.bench(|| n.search(q));
}

#[divan::bench(args = [0, 1, 2, 3])]
fn decide(bencher: divan::Bencher, case: usize) {
    let t = &world().tenant;
    let (_, a, act, tg) = decide_cases(t)[case];
    bencher.bench(|| permissions::decide(t, black_box(a), act, tg));
}

fn main() {
    if let Ok(p) = std::env::var("MYSTAFF_BENCH_CHILD_LOAD") {
        child_load(&p);
        return;
    }
    if std::env::var("MYSTAFF_BENCH_REPORT").as_deref() != Ok("0") {
        report();
    }
    if !only_search() && std::env::var("MYSTAFF_BENCH_DIVAN").as_deref() != Ok("0") {
        divan::main();
    }
}
