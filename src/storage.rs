//! Storage layer: the only code that touches the disk for tenant state.
//!
//! The tenant fixture is never modified. Changes live in a state directory as
//! an append-only journal (`journal.jsonl`, one JSON object per line) whose
//! first line is a header binding it to a tenant and a fixture digest.
//! Startup is fixture + journal replay; the caller applies the entries.
//!
//! Concurrency: writers serialise on an exclusive lock on `journal.lock` (a
//! separate file, so readers never block on the journal itself) and catch up
//! on other writers' entries before appending.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::sanitize::cut;
use sha2::{Digest, Sha256};

const JOURNAL_FILE: &str = "journal.jsonl";
const LOCK_FILE: &str = "journal.lock";
const PREFS_FILE: &str = "prefs.json";
const HEADER_KEY: &str = "mystaffJournal";
const REBASE_KEY: &str = "mystaffRebase";
/// On every line after the header: the SHA-256 of the line before it (its bytes without the
/// newline), so an edited, removed or reordered line breaks the chain where it happened.
const PREV_KEY: &str = "prevSha256";
/// Version 2 chains every line; version 1 journals (no chain) are still read, and the lines
/// appended to them are chained from their last line on.
const JOURNAL_VERSION: u64 = 2;

/// Everything that can go wrong in storage. Each message names the path.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// An I/O call failed; `action` reads like "cannot open journal".
    #[error("{action} {}: {}", .path.display(), describe_io(.source))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A line before the last one is not a valid journal line.
    #[error("journal {} is corrupt at line {line}: {reason}", .path.display())]
    Corrupt {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// The file's first line is not a journal header we understand.
    #[error("{} is not a mystaff journal: {reason}", .path.display())]
    NotAJournal { path: PathBuf, reason: String },
    /// The journal was started on a different fixture.
    #[error(
        "the fixture changed since the journal {} was started (journal expects fixture sha256 \
         {journal_hash}, fixture is {fixture_hash}); pass --rebase to replay the journal onto it \
         anyway",
        .path.display()
    )]
    FixtureChanged {
        journal_hash: String,
        fixture_hash: String,
        path: PathBuf,
    },
    /// The journal belongs to a different tenant (refused even with rebase).
    #[error(
        "journal {} belongs to tenant {journal_tenant:?}, not {tenant:?}; use a different state \
         directory",
        .path.display()
    )]
    TenantMismatch {
        path: PathBuf,
        journal_tenant: String,
        tenant: String,
    },
    /// The journal got shorter than what this handle already read.
    #[error(
        "journal {} is shorter ({len} bytes) than the {read} bytes already read; it was replaced \
         or truncated by something else",
        .path.display()
    )]
    Shrunk { path: PathBuf, read: u64, len: u64 },
    /// The caller passed an entry the journal cannot store.
    #[error("cannot append to journal {}: {reason}", .path.display())]
    InvalidEntry { path: PathBuf, reason: String },
    /// The state directory or a file in it could be changed by someone else, or is a link.
    #[error("{} {reason}: {fix}", .path.display())]
    Unsafe {
        path: PathBuf,
        reason: String,
        fix: String,
    },
    /// A change was asked of a state directory opened read-only.
    #[error("the state directory {} is read-only for you: cannot record a change", .dir.display())]
    ReadOnly { dir: PathBuf },
    /// `prefs.json` exists but is not a JSON object.
    #[error("preferences file {} is unreadable: {reason}", .path.display())]
    CorruptPrefs { path: PathBuf, reason: String },
}

/// Short lowercase wording for common OS errors ("permission denied"), since
/// std's Display adds "(os error 13)" noise that users don't need.
fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::StorageFull => "no space left on device".into(),
        io::ErrorKind::ReadOnlyFilesystem => "read-only file system".into(),
        io::ErrorKind::AlreadyExists => "already exists".into(),
        io::ErrorKind::NotADirectory => "a parent is not a directory".into(),
        _ => err.to_string(),
    }
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StorageError + 'a {
    move |source| StorageError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// What a file that is not a regular file is, for a message.
fn file_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// A fixture file's bytes, mapped read-only (Linux) or read into memory (elsewhere, or an empty
/// file). A mapped fixture can give back the pages of a part that has been read
/// ([`FixtureBytes::release`]): loading a 450 MB fixture then never holds all of it at once.
pub struct FixtureBytes {
    ptr: *const u8,
    len: usize,
    mapped: bool,
    owned: Vec<u8>,
}

/// The largest fixture read unless `--max-fixture-size` says otherwise: ten times the generated
/// 2-million-user tenant, and far below what would exhaust memory.
pub const DEFAULT_MAX_FIXTURE_BYTES: u64 = 4 << 30;

impl FixtureBytes {
    /// Opens a fixture: a regular file of at most `max_bytes`. A FIFO, a device or a directory is
    /// refused at once (opening does not wait for a FIFO's writer), before anything is read.
    pub fn open(path: &Path, max_bytes: u64) -> io::Result<FixtureBytes> {
        let mut opts = fs::OpenOptions::new();
        opts.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_NONBLOCK);
        }
        let file = opts.open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("it is {}, not a regular file", file_kind(&meta)),
            ));
        }
        if meta.len() > max_bytes {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "it is {} bytes, more than the limit of {max_bytes} (--max-fixture-size raises it)",
                    meta.len()
                ),
            ));
        }
        #[cfg(target_os = "linux")]
        {
            let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
            if len > 0 {
                use std::os::fd::AsRawFd;
                // SAFETY: a private read-only mapping of a file we opened; checked for failure.
                let p = unsafe {
                    libc::mmap(
                        std::ptr::null_mut(),
                        len,
                        libc::PROT_READ,
                        libc::MAP_PRIVATE,
                        file.as_raw_fd(),
                        0,
                    )
                };
                if p != libc::MAP_FAILED {
                    // SAFETY: the range is the mapping just made; the advice changes no contents.
                    unsafe { libc::madvise(p, len, libc::MADV_SEQUENTIAL) };
                    return Ok(FixtureBytes {
                        ptr: p as *const u8,
                        len,
                        mapped: true,
                        owned: Vec::new(),
                    });
                }
            }
        }
        // A file that grows while it is read is still held to the limit.
        let mut owned = Vec::new();
        io::Read::read_to_end(&mut io::Read::take(file, max_bytes), &mut owned)?;
        Ok(FixtureBytes {
            ptr: owned.as_ptr(),
            len: owned.len(),
            mapped: false,
            owned,
        })
    }

    pub fn as_slice(&self) -> &[u8] {
        if self.mapped {
            // SAFETY: `ptr..ptr+len` is our mapping, alive until drop; it is never written.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        } else {
            &self.owned
        }
    }

    /// Gives back the whole pages in `range` (byte offsets) of a mapped fixture. Their contents do
    /// not change: the mapping is of the file, private and read-only, so reading them again
    /// faults them in again from the file. Does nothing for a fixture read into memory.
    pub fn release(&self, range: std::ops::Range<usize>) {
        #[cfg(target_os = "linux")]
        if self.mapped {
            const PAGE: usize = 4096;
            let start = range.start.next_multiple_of(PAGE);
            let end = range.end.min(self.len) & !(PAGE - 1);
            if end > start {
                // SAFETY: inside our read-only file mapping (see above); no contents change.
                unsafe {
                    libc::madvise(
                        self.ptr.add(start) as *mut libc::c_void,
                        end - start,
                        libc::MADV_DONTNEED,
                    );
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = range;
    }
}

impl Drop for FixtureBytes {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if self.mapped {
            // SAFETY: unmaps the mapping made in `open`, which nothing borrows any more.
            unsafe { libc::munmap(self.ptr as *mut libc::c_void, self.len) };
        }
    }
}

/// The digest of [`fixture_digest`], fed a part at a time.
#[derive(Default)]
pub struct FixtureHasher(Sha256);

impl FixtureHasher {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `<data dir>/mystaff/<tenant id>`; `None` when the platform has no data dir.
/// The id is sanitised so a hostile fixture cannot escape the directory;
/// colliding ids are still caught by the journal header's tenant check.
pub fn default_state_dir(tenant_id: &str) -> Option<PathBuf> {
    let mut name: String = tenant_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.chars().all(|c| c == '.') {
        // "", "." and ".." would point at or above the mystaff dir.
        name = format!("_{name}");
    }
    Some(dirs::data_dir()?.join("mystaff").join(name))
}

/// Where the config file is read from: `explicit` (`--config FILE`), else `config.toml` in the
/// platform's config directory (`~/.config/mystaff/` on Linux). `None` when there is no such
/// directory.
pub fn config_path(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Some(dirs::config_dir()?.join("mystaff").join("config.toml")),
    }
}

/// The config file's text; `None` when the default file does not exist (a file named with
/// `--config` must exist).
pub fn read_config(path: &Path, explicit: bool) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == io::ErrorKind::NotFound && !explicit => Ok(None),
        Err(e) => Err(format!("{}: {}", path.display(), describe_io(&e))),
    }
}

/// Lowercase hex SHA-256 of the fixture bytes.
pub fn fixture_digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Handle on a state directory's journal. Not shared between threads; each
/// process (or thread) opens its own so locks apply between them.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    path: PathBuf,
    lock_path: PathBuf,
    file: File,
    lock_file: File,
    tenant_id: String,
    /// Fixture digest the caller's in-memory state is built on.
    fixture_sha256: String,
    /// Digest the journal currently declares (header, then latest rebase).
    journal_sha256: String,
    /// Bytes consumed: always the end of a complete, valid line.
    offset: u64,
    /// Complete lines consumed, for line numbers in errors.
    lines: usize,
    /// Offset of a torn tail already warned about, to warn only once.
    warned_torn_at: Option<u64>,
    /// SHA-256 of the last line consumed: the next line's `prevSha256`.
    last_hash: Option<[u8; 32]>,
    /// Where the last line consumed starts (a broken chain is cut from there).
    last_offset: u64,
    /// Every line from here on must carry the chain (version 2, or a version 1 journal once a
    /// chained line was appended to it).
    chained: bool,
    /// False when the state directory could only be opened for reading: changes are refused.
    writable: bool,
}

/// Result of [`Journal::open`].
#[derive(Debug)]
pub struct Opened {
    pub journal: Journal,
    /// Entries to replay onto the fixture, in order (header/markers excluded).
    pub entries: Vec<RawEntry>,
    /// Non-fatal problems (a torn last line) to show the user.
    pub warnings: Vec<String>,
    /// True when this open wrote a rebase marker.
    pub rebased: bool,
    /// The first line that cannot be replayed, if any; `entries` stop before it.
    pub bad: Option<BadLine>,
}

/// Exclusive hold on the journal; dropping it releases the lock.
#[derive(Debug)]
pub struct Transaction<'a> {
    journal: &'a mut Journal,
    new_entries: Vec<RawEntry>,
    warnings: Vec<String>,
}

/// One journal entry: the bytes of its line, checked when read to be a JSON object (exactly what
/// `serde_json` accepts as a `Value`) without the reserved keys, and not parsed any further. The
/// caller deserializes it straight into its own types, so replay builds no `Value` tree.
#[derive(Clone, PartialEq, Eq)]
pub struct RawEntry {
    bytes: Box<[u8]>,
    line: usize,
    offset: u64,
    earlier_fixture: bool,
}

impl RawEntry {
    /// The line, without its newline. It still holds the chain's `prevSha256` key.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The entry as a JSON value (it was checked to be one when it was read).
    pub fn value(&self) -> Value {
        let mut v: Value =
            serde_json::from_slice(&self.bytes).expect("journal entries are checked when read");
        if let Some(o) = v.as_object_mut() {
            o.remove(PREV_KEY);
        }
        v
    }

    /// Its line number in the journal (the header is line 1).
    pub fn line(&self) -> usize {
        self.line
    }

    /// Where it starts in the journal, for [`Journal::set_aside`].
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// True when it was written on an earlier fixture and replays onto this one after a rebase:
    /// it may no longer fit, which is then not tampering.
    pub fn earlier_fixture(&self) -> bool {
        self.earlier_fixture
    }
}

/// A journal line that cannot be replayed, found while opening. Lines before it are returned for
/// replay; it and everything after are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// Where to cut to set the bad part aside ([`Journal::set_aside`]): the bad line, or for a
    /// broken chain the line before the one that noticed.
    pub line: usize,
    pub offset: u64,
    pub reason: String,
}

impl fmt::Debug for RawEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl PartialEq<Value> for RawEntry {
    fn eq(&self, other: &Value) -> bool {
        self.value() == *other
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        // Closing the handle would also release it; an error here is harmless.
        if self.journal.writable {
            let _ = self.journal.lock_file.unlock();
        }
    }
}

impl Transaction<'_> {
    /// Entries other handles appended since this handle last read.
    pub fn new_entries(&self) -> &[RawEntry] {
        &self.new_entries
    }

    pub fn take_new_entries(&mut self) -> Vec<RawEntry> {
        std::mem::take(&mut self.new_entries)
    }

    /// Torn-tail warnings found while catching up (another writer crashed), for the user.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Appends one entry (a JSON object) and fsyncs before returning.
    pub fn append(&mut self, entry: &Value) -> Result<(), StorageError> {
        let invalid = |reason: &str| StorageError::InvalidEntry {
            path: self.journal.path.clone(),
            reason: reason.to_string(),
        };
        let Some(obj) = entry.as_object() else {
            return Err(invalid("an entry must be a JSON object"));
        };
        if obj.contains_key(HEADER_KEY)
            || obj.contains_key(REBASE_KEY)
            || obj.contains_key(PREV_KEY)
        {
            // These keys mark control lines and the chain; an entry carrying them would be
            // misread on replay.
            return Err(invalid(
                "an entry must not use the reserved keys mystaffJournal, mystaffRebase or prevSha256",
            ));
        }
        self.journal.append_locked(entry)
    }
}

/// What one complete line means.
enum Line {
    Header {
        version: u64,
        tenant: String,
        sha: String,
    },
    Rebase {
        to: String,
    },
    Entry,
}

/// A line read: what it is, and the chain digest it carries.
struct Parsed {
    line: Line,
    prev: Option<String>,
}

/// `Err` = not a line we could have written (torn or corrupt), with why.
///
/// The common line, an entry, is checked in one pass that builds nothing ([`Probe`]); anything
/// else (the header, a rebase marker, a bad line) takes the full parse, which also words the
/// reason.
fn parse_line(bytes: &[u8]) -> Result<Parsed, String> {
    match serde_json::from_slice::<Probe>(bytes) {
        Ok(Probe {
            reserved: false,
            prev,
        }) => Ok(Parsed {
            line: Line::Entry,
            prev,
        }),
        _ => parse_line_value(bytes),
    }
}

fn parse_line_value(bytes: &[u8]) -> Result<Parsed, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON ({e})"))?;
    let Value::Object(obj) = value else {
        return Err("not a JSON object".into());
    };
    let prev = match obj.get(PREV_KEY) {
        None => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(_) => return Err(format!("{PREV_KEY} is not a string")),
    };
    if let Some(version) = obj.get(HEADER_KEY) {
        let version = match version.as_u64() {
            Some(v @ 1..=JOURNAL_VERSION) => v,
            _ => return Err(format!("unsupported journal version {version}")),
        };
        let field = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        return match (field("tenantId"), field("fixtureSha256")) {
            (Some(tenant), Some(sha)) if !tenant.is_empty() && is_sha256_hex(&sha) => Ok(Parsed {
                line: Line::Header {
                    version,
                    tenant,
                    sha,
                },
                prev,
            }),
            (Some(_), Some(sha)) if !is_sha256_hex(&sha) => Err(format!(
                "the header's fixtureSha256 `{}` is not a SHA-256 digest (64 hex digits)",
                cut(&sha)
            )),
            _ => Err("the header lacks tenantId or fixtureSha256".into()),
        };
    }
    if let Some(marker) = obj.get(REBASE_KEY) {
        return match marker.get("to").and_then(Value::as_str) {
            Some(to) if is_sha256_hex(to) => Ok(Parsed {
                line: Line::Rebase { to: to.to_string() },
                prev,
            }),
            _ => Err("a rebase marker lacks a \"to\" SHA-256 digest".into()),
        };
    }
    Ok(Parsed {
        line: Line::Entry,
        prev,
    })
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A line checked without building it: a JSON object whose values are all valid JSON (numbers in
/// range, strings valid UTF-8 with valid escapes, nesting within serde_json's limit: the same
/// parser and checks as a `Value`, since both go through `deserialize_any`). `reserved` says
/// whether it has a header or rebase key; `prev` is its chain digest, when it is a string.
/// Anything that is not an object is an error here.
struct Probe {
    reserved: bool,
    prev: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Probe, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Probe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Probe, A::Error> {
                let mut probe = Probe {
                    reserved: false,
                    prev: None,
                };
                while let Some(key) = m.next_key::<Key>()? {
                    match key {
                        Key::Reserved => {
                            probe.reserved = true;
                            m.next_value::<Valid>()?;
                        }
                        // A second `prevSha256`, or one that is not a string, takes the full
                        // parse, which refuses it.
                        Key::Prev if probe.prev.is_none() => match m.next_value::<Value>()? {
                            Value::String(p) => probe.prev = Some(p),
                            _ => probe.reserved = true,
                        },
                        Key::Prev => {
                            probe.reserved = true;
                            m.next_value::<Valid>()?;
                        }
                        Key::Other => {
                            m.next_value::<Valid>()?;
                        }
                    }
                }
                Ok(probe)
            }
        }
        d.deserialize_any(V)
    }
}

/// A map key, by what it means to the journal.
enum Key {
    Reserved,
    Prev,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E: serde::de::Error>(self, k: &str) -> Result<Key, E> {
                Ok(match k {
                    HEADER_KEY | REBASE_KEY => Key::Reserved,
                    PREV_KEY => Key::Prev,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// Any JSON value, checked and dropped.
struct Valid;

impl<'de> serde::Deserialize<'de> for Valid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Valid, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Valid;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Valid, E> {
                Ok(Valid)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Valid, E> {
                Ok(Valid)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Valid, E> {
                Ok(Valid)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Valid, E> {
                Ok(Valid)
            }
            fn visit_str<E>(self, _: &str) -> Result<Valid, E> {
                Ok(Valid)
            }
            fn visit_unit<E>(self) -> Result<Valid, E> {
                Ok(Valid)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Valid, A::Error> {
                while a.next_element::<Valid>()?.is_some() {}
                Ok(Valid)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Valid, A::Error> {
                while m.next_key::<Key>()?.is_some() {
                    m.next_value::<Valid>()?;
                }
                Ok(Valid)
            }
        }
        d.deserialize_any(V)
    }
}

/// What [`Journal::read_new`] found: entries, a torn-tail warning, the first bad line.
type ReadLines = (Vec<RawEntry>, Option<String>, Option<BadLine>);

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// We hold the lock: an unfinished tail is a crashed write.
    Locked,
    /// No lock: an unfinished tail may be a write in progress; leave it.
    Unlocked,
}

impl Journal {
    /// Opens (creating if needed) the journal in `dir` and returns the entries
    /// to replay. With `rebase`, a journal started on another fixture of the
    /// same tenant gets a rebase marker instead of an error.
    ///
    /// A state directory this user can only read opens read-only: its history replays, and
    /// [`Journal::transaction`] refuses changes.
    pub fn open(
        dir: &Path,
        tenant_id: &str,
        fixture_sha256: &str,
        rebase: bool,
    ) -> Result<Opened, StorageError> {
        create_state_dir(dir)?;
        check_private(dir, true)?;
        let path = dir.join(JOURNAL_FILE);
        let lock_path = dir.join(LOCK_FILE);
        check_private(&lock_path, false)?;
        check_private(&path, false)?;
        let (file, lock_file, created, writable) = match open_private(&lock_path, false) {
            Ok(lock_file) => {
                let (file, created) = open_journal_file(&path)?;
                (file, lock_file, created, true)
            }
            Err(e) if read_only(&e) => {
                let file = open_read_only(&path).map_err(io_err("cannot open journal", &path))?;
                // Never locked: a read-only handle takes no transactions.
                let lock = file
                    .try_clone()
                    .map_err(io_err("cannot open journal", &path))?;
                (file, lock, false, false)
            }
            Err(e) => return Err(io_err("cannot open lock file", &lock_path)(e)),
        };
        let mut journal = Journal {
            dir: dir.to_path_buf(),
            path,
            lock_path,
            file,
            lock_file,
            tenant_id: tenant_id.to_string(),
            fixture_sha256: fixture_sha256.to_string(),
            journal_sha256: String::new(),
            offset: 0,
            lines: 0,
            warned_torn_at: None,
            last_hash: None,
            last_offset: 0,
            chained: false,
            writable,
        };
        if created {
            sync_dir(dir)?;
        }
        if !writable {
            let mut warnings = vec![format!(
                "the state directory {} is read-only for you: its history is shown, and changes \
                 are refused",
                dir.display()
            )];
            let (entries, torn, bad) = journal.read_new(Mode::Unlocked, false)?;
            warnings.extend(torn);
            let bad = journal.not_a_journal(bad)?;
            if journal.journal_sha256 != journal.fixture_sha256 && bad.is_none() {
                return Err(journal.fixture_changed());
            }
            return Ok(Opened {
                journal,
                entries,
                warnings,
                rebased: false,
                bad,
            });
        }
        // Hold the lock for the whole open so header creation and rebase
        // markers cannot race another process opening the same dir.
        let txn = journal.transaction_unchecked()?;
        let mut warnings = txn.journal.ensure_header()?;
        let (entries, torn, bad) = txn.journal.read_new(Mode::Locked, false)?;
        warnings.extend(torn);
        let j = &mut *txn.journal;
        let bad = j.not_a_journal(bad)?;
        let mut rebased = false;
        if bad.is_none() && j.journal_sha256 != j.fixture_sha256 {
            if !rebase {
                return Err(j.fixture_changed());
            }
            let marker =
                json!({ REBASE_KEY: { "from": j.journal_sha256, "to": j.fixture_sha256 } });
            j.append_locked(&marker)?;
            j.journal_sha256 = j.fixture_sha256.clone();
            rebased = true;
        }
        drop(txn);
        Ok(Opened {
            journal,
            entries,
            warnings,
            rebased,
            bad,
        })
    }

    /// Takes the exclusive lock and catches up on entries others appended.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, StorageError> {
        if !self.writable {
            return Err(StorageError::ReadOnly {
                dir: self.dir.clone(),
            });
        }
        let mut txn = self.transaction_unchecked()?;
        let (entries, warnings, _) = txn.journal.read_new(Mode::Locked, true)?;
        if txn.journal.journal_sha256 != txn.journal.fixture_sha256 {
            // Another process rebased onto a fixture we are not running on.
            return Err(txn.journal.fixture_changed());
        }
        txn.new_entries = entries;
        txn.warnings = warnings.into_iter().collect();
        Ok(txn)
    }

    /// Reads entries others appended, without locking (for periodic catch-up).
    /// A line still being written is left for a later call.
    pub fn refresh(&mut self) -> Result<Vec<RawEntry>, StorageError> {
        let (entries, _, _) = self.read_new(Mode::Unlocked, true)?;
        if self.journal_sha256 != self.fixture_sha256 {
            return Err(self.fixture_changed());
        }
        Ok(entries)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many lines the journal has from byte `offset` on, and how many of them hold a change.
    pub fn count_from(&self, offset: u64) -> Result<(usize, usize), StorageError> {
        let tail = self.read_from(offset)?;
        let lines = tail.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        let (mut n, mut changes) = (0, 0);
        for l in lines {
            n += 1;
            let v = serde_json::from_slice::<Value>(l).ok();
            changes +=
                usize::from(v.is_some_and(|v| v.get("change").is_some_and(|c| !c.is_null())));
        }
        Ok((n, changes))
    }

    /// Moves the journal from byte `offset` (the start of line `line`) to the end aside, into a
    /// new `journal.rejected-<UTC time>` file (fsynced before the journal is cut), and reads the
    /// journal again up to there. Returns the file it wrote ([`Journal::count_from`] says what
    /// is in it).
    pub fn set_aside(&mut self, line: usize, offset: u64) -> Result<PathBuf, StorageError> {
        if !self.writable {
            return Err(StorageError::ReadOnly {
                dir: self.dir.clone(),
            });
        }
        let txn = self.transaction_unchecked()?;
        let j = &mut *txn.journal;
        let tail = j.read_from(offset)?;
        if line < 2 || tail.is_empty() {
            return Err(StorageError::InvalidEntry {
                path: j.path.clone(),
                reason: format!("there is nothing to set aside from line {line}"),
            });
        }
        let side = j.save_aside("journal.rejected", &tail)?;
        j.file
            .set_len(offset)
            .and_then(|_| j.file.sync_data())
            .map_err(io_err("cannot cut the journal", &j.path))?;
        j.offset = 0;
        j.lines = 0;
        j.last_hash = None;
        j.last_offset = 0;
        j.chained = false;
        j.warned_torn_at = None;
        let (_, _, bad) = j.read_new(Mode::Locked, false)?;
        if let Some(b) = bad {
            return Err(j.corrupt(b));
        }
        Ok(side)
    }

    fn transaction_unchecked(&mut self) -> Result<Transaction<'_>, StorageError> {
        self.lock_file
            .lock()
            .map_err(io_err("cannot lock", &self.lock_path))?;
        Ok(Transaction {
            journal: self,
            new_entries: Vec::new(),
            warnings: Vec::new(),
        })
    }

    fn fixture_changed(&self) -> StorageError {
        StorageError::FixtureChanged {
            journal_hash: self.journal_sha256.clone(),
            fixture_hash: self.fixture_sha256.clone(),
            path: self.path.clone(),
        }
    }

    /// A bad first line is not a journal at all: nothing to repair.
    fn not_a_journal(&self, bad: Option<BadLine>) -> Result<Option<BadLine>, StorageError> {
        match bad {
            Some(b) if b.line == 1 => Err(self.corrupt(b)),
            b => Ok(b),
        }
    }

    fn corrupt(&self, bad: BadLine) -> StorageError {
        if bad.line == 1 {
            StorageError::NotAJournal {
                path: self.path.clone(),
                reason: bad.reason,
            }
        } else {
            StorageError::Corrupt {
                path: self.path.clone(),
                line: bad.line,
                reason: bad.reason,
            }
        }
    }

    /// Under the lock: writes the header if the file has no complete first
    /// line (new file, or a crash while writing the header).
    fn ensure_header(&mut self) -> Result<Vec<String>, StorageError> {
        let bytes = self.read_from(0)?;
        if bytes.contains(&b'\n') {
            return Ok(Vec::new());
        }
        let mut warnings = Vec::new();
        if !bytes.is_empty() {
            let side = self.save_aside("journal.torn", &bytes)?;
            self.file
                .set_len(0)
                .and_then(|_| self.file.sync_data())
                .map_err(io_err("cannot truncate torn header of journal", &self.path))?;
            warnings.push(format!(
                "journal {}: incomplete header line (interrupted write) moved to {} and rewritten",
                self.path.display(),
                side.display()
            ));
        }
        let header = json!({
            HEADER_KEY: JOURNAL_VERSION,
            "tenantId": self.tenant_id,
            "fixtureSha256": self.fixture_sha256,
        });
        self.append_locked(&header)?;
        // append_locked advanced the cursor; rewind so read_new parses the
        // header like any other.
        self.offset = 0;
        self.lines = 0;
        self.last_hash = None;
        self.last_offset = 0;
        Ok(warnings)
    }

    fn read_from(&self, offset: u64) -> Result<Vec<u8>, StorageError> {
        let mut file = &self.file;
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(io_err("cannot read journal", &self.path))?;
        Ok(bytes)
    }

    /// Parses the lines after `offset`, advancing past valid ones. Returns the entries, in locked
    /// mode a warning for a torn tail, and the first bad line (a line that does not parse, breaks
    /// the chain, or is out of place), before which it stops. With `fail`, a bad line is an error
    /// instead (catching up while running: the history cannot be repaired under a running
    /// session).
    fn read_new(&mut self, mode: Mode, fail: bool) -> Result<ReadLines, StorageError> {
        let len = self
            .file
            .metadata()
            .map_err(io_err("cannot read journal", &self.path))?
            .len();
        if len < self.offset {
            return Err(StorageError::Shrunk {
                path: self.path.clone(),
                read: self.offset,
                len,
            });
        }
        let bytes = self.read_from(self.offset)?;
        let mut entries: Vec<RawEntry> = Vec::new();
        let mut pos = 0usize;
        let mut torn = false;
        let mut bad = None;
        while pos < bytes.len() {
            let line_no = self.lines + 1;
            let line_start = self.offset;
            let (text, end) = match bytes[pos..].iter().position(|&b| b == b'\n') {
                Some(nl) => (&bytes[pos..pos + nl], pos + nl + 1),
                None => {
                    // No newline: an unfinished write, or a crashed one. Under the lock nobody is
                    // writing, so a tail that is a whole valid line lost only its newline: keep it.
                    let tail = &bytes[pos..];
                    if mode == Mode::Unlocked || parse_line(tail).is_err() || !self.writable {
                        torn = true;
                        break;
                    }
                    (&bytes[pos..], bytes.len())
                }
            };
            let bad_here = |line: usize, offset: u64, reason: String| BadLine {
                line,
                offset,
                reason,
            };
            let parsed = match parse_line(text) {
                Ok(p) => p,
                Err(reason) => {
                    bad = Some(bad_here(line_no, line_start, reason));
                    break;
                }
            };
            let digest: [u8; 32] = Sha256::digest(text).into();
            if line_no > 1 {
                let expected = self.last_hash.map(|h| hex(&h)).unwrap_or_default();
                match &parsed.prev {
                    Some(p) if *p == expected => self.chained = true,
                    Some(_) => {
                        bad = Some(bad_here(
                            (line_no - 1).max(2),
                            if line_no > 2 {
                                self.last_offset
                            } else {
                                line_start
                            },
                            format!(
                                "line {line_no} does not follow line {} (its {PREV_KEY} is not \
                                 that line's digest): line {} was edited, or lines were removed \
                                 or reordered there",
                                line_no - 1,
                                line_no - 1
                            ),
                        ));
                        break;
                    }
                    None if self.chained => {
                        bad = Some(bad_here(
                            line_no,
                            line_start,
                            format!(
                                "the line has no {PREV_KEY} (every line after the header carries \
                                 the digest of the line before it): it was not written by mystaff"
                            ),
                        ));
                        break;
                    }
                    None => {}
                }
            }
            match (line_no, parsed.line) {
                (
                    1,
                    Line::Header {
                        version,
                        tenant,
                        sha,
                    },
                ) => {
                    if tenant != self.tenant_id {
                        return Err(StorageError::TenantMismatch {
                            path: self.path.clone(),
                            journal_tenant: tenant,
                            tenant: self.tenant_id.clone(),
                        });
                    }
                    self.journal_sha256 = sha;
                    self.chained = version >= 2;
                }
                (1, _) => {
                    bad = Some(bad_here(
                        1,
                        0,
                        "the first line is not a journal header".into(),
                    ));
                    break;
                }
                (_, Line::Header { .. }) => {
                    bad = Some(bad_here(
                        line_no,
                        line_start,
                        "unexpected second journal header".into(),
                    ));
                    break;
                }
                (_, Line::Rebase { to }) => {
                    // What came before was written on another fixture.
                    for e in &mut entries {
                        e.earlier_fixture = true;
                    }
                    self.journal_sha256 = to;
                }
                (_, Line::Entry) => entries.push(RawEntry {
                    bytes: text.into(),
                    line: line_no,
                    offset: line_start,
                    earlier_fixture: false,
                }),
            }
            if end == bytes.len() && !bytes.ends_with(b"\n") {
                // The kept line gets its newline back, so the next append starts a line.
                (&self.file)
                    .write_all(b"\n")
                    .and_then(|_| self.file.sync_data())
                    .map_err(io_err("cannot write to journal", &self.path))?;
            }
            self.last_hash = Some(digest);
            self.last_offset = line_start;
            self.offset += (end - pos) as u64 + u64::from(!bytes[..end].ends_with(b"\n"));
            pos = end;
            self.lines = line_no;
        }
        if fail && let Some(b) = bad {
            return Err(self.corrupt(b));
        }
        let mut warning = None;
        if torn && mode == Mode::Locked && self.warned_torn_at != Some(self.offset) {
            self.warned_torn_at = Some(self.offset);
            warning = Some(format!(
                "journal {}: ignoring incomplete last line {} at byte {} ({} bytes, likely an \
                 interrupted write); it will be moved to a journal.torn-* file on the next change",
                self.path.display(),
                self.lines + 1,
                self.offset,
                bytes.len() - pos
            ));
        }
        Ok((entries, warning, bad))
    }

    /// Caller holds the lock and has caught up, so anything past `offset` is
    /// a torn tail: save it aside, cut it off, then append and fsync.
    fn append_locked(&mut self, value: &Value) -> Result<(), StorageError> {
        let len = self
            .file
            .metadata()
            .map_err(io_err("cannot read journal", &self.path))?
            .len();
        if len < self.offset {
            return Err(StorageError::Shrunk {
                path: self.path.clone(),
                read: self.offset,
                len,
            });
        }
        if len > self.offset {
            let tail = self.read_from(self.offset)?;
            self.save_aside("journal.torn", &tail)?;
            self.file
                .set_len(self.offset)
                .and_then(|_| self.file.sync_data())
                .map_err(io_err("cannot truncate torn tail of journal", &self.path))?;
        }
        let mut value = value.clone();
        if let (Some(h), Some(obj)) = (self.last_hash, value.as_object_mut()) {
            obj.insert(PREV_KEY.to_string(), Value::String(hex(&h)));
        }
        let mut buf = serde_json::to_vec(&value).map_err(|e| StorageError::InvalidEntry {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        let digest: [u8; 32] = Sha256::digest(&buf).into();
        buf.push(b'\n');
        let written = (&self.file)
            .write_all(&buf)
            .and_then(|_| self.file.sync_data());
        if let Err(source) = written {
            // Undo a partial or unsynced line so the failed append is not
            // replayed later; best effort, the torn-tail logic is the backstop.
            let _ = self.file.set_len(self.offset);
            return Err(StorageError::Io {
                action: "cannot write to journal",
                path: self.path.clone(),
                source,
            });
        }
        self.last_offset = self.offset;
        self.last_hash = Some(digest);
        if self.lines > 0 {
            self.chained = true;
        }
        self.offset += buf.len() as u64;
        self.lines += 1;
        Ok(())
    }

    /// Saves bytes cut from the journal to `<stem>-<UTC time>` (fsynced), so cutting them never
    /// loses data.
    fn save_aside(&self, stem: &str, bytes: &[u8]) -> Result<PathBuf, StorageError> {
        let ts = time::OffsetDateTime::now_utc();
        let ts = ts
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_else(|_| ts.unix_timestamp().to_string());
        let mut n = 0u32;
        loop {
            let name = if n == 0 {
                format!("{stem}-{ts}")
            } else {
                format!("{stem}-{ts}-{n}")
            };
            let side = self.dir.join(name);
            match open_private(&side, true) {
                Ok(mut f) => {
                    f.write_all(bytes)
                        .and_then(|_| f.sync_all())
                        .map_err(io_err("cannot save journal bytes to", &side))?;
                    sync_dir(&self.dir)?;
                    return Ok(side);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(io_err("cannot save journal bytes to", &side)(e)),
            }
        }
    }
}

/// The open failed because this user may only read there.
fn read_only(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Refuses, like ssh, a state directory or file that another user could change: owned by someone
/// else, or writable by group or others. Anyone who can write the journal can make history.
fn check_private(path: &Path, is_dir: bool) -> Result<(), StorageError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            // Not there yet: it is created private.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_err("cannot read", path)(e)),
        };
        if meta.file_type().is_symlink() {
            return Err(StorageError::Unsafe {
                path: path.to_path_buf(),
                reason: "is a symbolic link; mystaff does not follow links in its state directory"
                    .into(),
                fix: format!(
                    "replace it with the {} itself",
                    if is_dir { "directory" } else { "file" }
                ),
            });
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(StorageError::Unsafe {
                path: path.to_path_buf(),
                reason: format!(
                    "is owned by another user (uid {}, you are {me})",
                    meta.uid()
                ),
                fix: format!("chown {me} {}", path.display()),
            });
        }
        if meta.mode() & 0o022 != 0 {
            return Err(StorageError::Unsafe {
                path: path.to_path_buf(),
                reason: format!(
                    "is writable by {} (mode {:o})",
                    if meta.mode() & 0o002 != 0 {
                        "everyone"
                    } else {
                        "its group"
                    },
                    meta.mode() & 0o7777
                ),
                fix: format!("chmod go-w {}", path.display()),
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (path, is_dir);
    Ok(())
}

/// Opens a state file without following a symbolic link (a link there is an error).
fn no_follow(opts: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = opts;
}

fn open_read_only(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    no_follow(&mut opts);
    opts.open(path)
}

/// Opens a file read+write with 0600 on unix; `create_new` fails if it exists.
fn open_private(path: &Path, create_new: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true);
    if create_new {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    no_follow(&mut opts);
    opts.open(path)
}

/// Opens the journal in append mode (so every write lands at the end even
/// with other writers), reporting whether this call created it.
fn open_journal_file(path: &Path) -> Result<(File, bool), StorageError> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    no_follow(&mut opts);
    match opts.clone().create_new(true).open(path) {
        Ok(f) => Ok((f, true)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => opts
            .open(path)
            .map(|f| (f, false))
            .map_err(io_err("cannot open journal", path)),
        Err(e) => Err(io_err("cannot create journal", path)(e)),
    }
}

/// create_dir_all with 0700 for directories we create (the journal holds
/// password hashes); an existing directory's mode is left alone.
fn create_state_dir(dir: &Path) -> Result<(), StorageError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(io_err("cannot create state directory", dir))
}

/// fsync a directory so a created or renamed entry survives a crash.
fn sync_dir(dir: &Path) -> Result<(), StorageError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err("cannot sync directory", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir; // Directories cannot be opened for fsync on Windows.
    Ok(())
}

/// Loads `prefs.json` from the state dir; a missing file is an empty map.
pub fn load_prefs(dir: &Path) -> Result<Map<String, Value>, StorageError> {
    let path = dir.join(PREFS_FILE);
    let read = |p: &Path| -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        open_read_only(p)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    };
    let bytes = match read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(e) => return Err(io_err("cannot read preferences", &path)(e)),
    };
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(StorageError::CorruptPrefs {
            path,
            reason: "not a JSON object".into(),
        }),
        Err(e) => Err(StorageError::CorruptPrefs {
            path,
            reason: format!("invalid JSON ({e})"),
        }),
    }
}

/// The manifest of a `graph pull --save-raw` directory: the responses in the order received.
pub const GRAPH_MANIFEST: &str = "manifest.json";

/// One saved Graph response: what it answers (resource name, and the object id it was asked
/// for), and its body as received.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedResponse {
    pub resource: String,
    pub key: Option<String>,
    pub body: Value,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    format: String,
    version: u32,
    responses: Vec<ManifestEntry>,
}

#[derive(Debug, serde::Deserialize)]
struct ManifestEntry {
    file: String,
    resource: String,
    #[serde(default)]
    key: Option<String>,
}

/// Reads a `--save-raw` directory: its manifest, then each response file it names (a plain file
/// name inside the directory), in order. Every problem names the file.
pub fn read_graph_responses(dir: &Path) -> Result<Vec<SavedResponse>, String> {
    let show = |p: &Path| p.display().to_string();
    let manifest_path = dir.join(GRAPH_MANIFEST);
    let bytes = fs::read(&manifest_path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => format!(
            "{} holds no {GRAPH_MANIFEST}: it is not a directory written by `graph pull --save-raw`",
            show(dir)
        ),
        _ => format!("cannot read {}: {}", show(&manifest_path), describe_io(&e)),
    })?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}:{}:{}: not a manifest mystaff wrote ({e})",
            show(&manifest_path),
            e.line(),
            e.column()
        )
    })?;
    if m.format != "mystaff graph responses" || m.version != 1 {
        return Err(format!(
            "{}: format `{}` version {} is not one this mystaff reads",
            show(&manifest_path),
            crate::sanitize::cut(&m.format),
            m.version
        ));
    }
    let mut out = Vec::with_capacity(m.responses.len());
    for e in m.responses {
        // Only a file of the directory itself: a manifest cannot send the reader elsewhere.
        let plain =
            !e.file.is_empty() && !e.file.contains(['/', '\\']) && e.file != "." && e.file != "..";
        if !plain {
            return Err(format!(
                "{}: `{}` is not a file name in the directory",
                show(&manifest_path),
                crate::sanitize::cut(&e.file)
            ));
        }
        let path = dir.join(&e.file);
        let bytes = fs::read(&path)
            .map_err(|err| format!("cannot read {}: {}", show(&path), describe_io(&err)))?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|err| {
            format!(
                "{}:{}:{}: not JSON ({err})",
                show(&path),
                err.line(),
                err.column()
            )
        })?;
        out.push(SavedResponse {
            resource: e.resource,
            key: e.key,
            body,
        });
    }
    Ok(out)
}

/// A `--save-raw` directory being written: one file per response as it arrives, the manifest
/// last (so a directory without one is an interrupted pull, which `graph import` refuses).
pub struct RawDir {
    dir: PathBuf,
    entries: Vec<Value>,
}

impl RawDir {
    /// Creates the directory, or takes an empty one; one that already holds files is refused.
    pub fn create(dir: &Path) -> Result<RawDir, String> {
        let show = dir.display().to_string();
        match fs::read_dir(dir) {
            Ok(mut it) => {
                if it.next().is_some() {
                    return Err(format!(
                        "{show} is not empty: --save-raw writes into a new or empty directory"
                    ));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {show}: {}", describe_io(&e)))?,
            Err(e) => return Err(format!("cannot read {show}: {}", describe_io(&e))),
        }
        Ok(RawDir {
            dir: dir.to_path_buf(),
            entries: Vec::new(),
        })
    }

    /// Saves one response body, as received.
    pub fn save(&mut self, resource: &str, key: Option<&str>, body: &Value) -> Result<(), String> {
        let file = format!("{:05}-{resource}.json", self.entries.len() + 1);
        let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        let path = self.dir.join(&file);
        fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {}", path.display(), describe_io(&e)))?;
        self.entries
            .push(serde_json::json!({"file": file, "resource": resource, "key": key}));
        Ok(())
    }

    /// Writes the manifest: the directory is complete.
    pub fn finish(self) -> Result<(), String> {
        let manifest = serde_json::json!({
            "format": "mystaff graph responses",
            "version": 1,
            "responses": self.entries,
        });
        let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        write_file_atomically(&self.dir.join(GRAPH_MANIFEST), &bytes)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so an
/// interrupted write leaves the old file or none, never half of one.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let show = |p: &Path| p.display().to_string();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", show(path)))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {}", show(&tmp), describe_io(&e)));
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {}", show(path), describe_io(&e))
    })
}

/// Saves `prefs.json` atomically: temp file in the same dir, fsync, rename,
/// fsync dir, so a crash leaves either the old or the new file.
pub fn save_prefs(dir: &Path, prefs: &Map<String, Value>) -> Result<(), StorageError> {
    create_state_dir(dir)?;
    let path = dir.join(PREFS_FILE);
    let tmp = dir.join(format!("{PREFS_FILE}.tmp-{}", std::process::id()));
    let mut bytes = serde_json::to_vec_pretty(prefs).map_err(|e| StorageError::CorruptPrefs {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    bytes.push(b'\n');
    let written = (|| {
        // A leftover temp from a crashed run of this pid is stale: replace it.
        let _ = fs::remove_file(&tmp);
        let mut f = open_private(&tmp, true)?;
        f.write_all(&bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io_err("cannot write preferences", &tmp)(e));
    }
    if let Err(e) = fs::rename(&tmp, &path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err("cannot write preferences", &path)(e));
    }
    sync_dir(dir)
}

/// The local audit of live mode: what was done from this machine in a real tenant.
pub const LIVE_AUDIT_FILE: &str = "live-audit.jsonl";

/// Appends one audit record (a JSON line) to live mode's local audit and fsyncs it. The record
/// holds no password and no token: audit records never do.
pub fn append_audit(path: &Path, record: &crate::audit::AuditRecord) -> Result<(), StorageError> {
    if let Some(dir) = path.parent() {
        create_state_dir(dir)?;
    }
    let mut line = serde_json::to_vec(record).map_err(|e| StorageError::CorruptPrefs {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    line.push(b'\n');
    let written = (|| {
        let mut f = open_private(path, false)?;
        f.seek(io::SeekFrom::End(0))?;
        f.write_all(&line)?;
        f.sync_all()
    })();
    written.map_err(io_err("cannot write the local audit", path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    const TENANT: &str = "contoso";

    fn sha(s: &str) -> String {
        fixture_digest(s.as_bytes())
    }

    fn open(dir: &Path, fixture: &str) -> Result<Opened, StorageError> {
        Journal::open(dir, TENANT, &sha(fixture), false)
    }

    fn append_one(j: &mut Journal, v: Value) {
        let mut t = j.transaction().unwrap();
        t.append(&v).unwrap();
    }

    fn journal_text(dir: &Path) -> String {
        fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap()
    }

    #[test]
    fn digest_is_hex_sha256() {
        assert_eq!(
            fixture_digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn default_dir_is_sanitised() {
        if let Some(d) = default_state_dir("../../etc") {
            assert_eq!(d.file_name().unwrap(), ".._.._etc");
            assert_eq!(d.parent().unwrap().file_name().unwrap(), "mystaff");
        }
        if let Some(d) = default_state_dir("..") {
            assert_eq!(d.file_name().unwrap(), "_..");
        }
    }

    #[test]
    fn new_dir_gets_header() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b/state");
        let o = open(&dir, "f1").unwrap();
        assert!(o.entries.is_empty() && o.warnings.is_empty() && !o.rebased);
        let text = journal_text(&dir);
        let header: Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(
            header,
            json!({"mystaffJournal": 2, "tenantId": TENANT, "fixtureSha256": sha("f1")})
        );
        assert_eq!(text.lines().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&dir.join(JOURNAL_FILE)), 0o600);
            assert_eq!(mode(&dir.join(LOCK_FILE)), 0o600);
        }
    }

    #[test]
    fn append_and_reopen_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let mut j = open(tmp.path(), "f").unwrap().journal;
        for i in 0..5 {
            append_one(&mut j, json!({"n": i}));
        }
        drop(j);
        let o = open(tmp.path(), "f").unwrap();
        let ns: Vec<_> = o
            .entries
            .iter()
            .map(|e| e.value()["n"].as_i64().unwrap())
            .collect();
        assert_eq!(ns, vec![0, 1, 2, 3, 4]);
        assert!(o.warnings.is_empty());
    }

    #[test]
    fn rejects_non_object_and_reserved_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let mut j = open(tmp.path(), "f").unwrap().journal;
        let mut t = j.transaction().unwrap();
        assert!(matches!(
            t.append(&json!([1])),
            Err(StorageError::InvalidEntry { .. })
        ));
        assert!(matches!(
            t.append(&json!({"mystaffRebase": {"to": "x"}})),
            Err(StorageError::InvalidEntry { .. })
        ));
    }

    #[test]
    fn torn_tail_is_warned_skipped_and_preserved() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut j = open(dir, "f").unwrap().journal;
        append_one(&mut j, json!({"n": 1}));
        append_one(&mut j, json!({"n": 2}));
        drop(j);
        let garbage = b"{\"n\": 3, \"trunc";
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL_FILE))
            .unwrap();
        f.write_all(garbage).unwrap();
        drop(f);

        let o = open(dir, "f").unwrap();
        assert_eq!(o.entries, vec![json!({"n": 1}), json!({"n": 2})]);
        assert_eq!(o.warnings.len(), 1);
        assert!(o.warnings[0].contains("line 4"), "{}", o.warnings[0]);
        assert!(o.warnings[0].contains("at byte"), "{}", o.warnings[0]);
        // Opening alone does not rewrite the journal.
        assert!(journal_text(dir).ends_with("trunc"));

        let mut j = o.journal;
        append_one(&mut j, json!({"n": 4}));
        let text = journal_text(dir);
        assert_eq!(text.lines().count(), 4);
        for line in text.lines() {
            serde_json::from_str::<Value>(line).unwrap();
        }
        let side: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("journal.torn-"))
            .collect();
        assert_eq!(side.len(), 1);
        assert_eq!(fs::read(side[0].path()).unwrap(), garbage);
        drop(j);
        let o = open(dir, "f").unwrap();
        assert_eq!(o.entries.len(), 3);
        assert!(o.warnings.is_empty());
    }

    fn append_raw(dir: &Path, bytes: &[u8]) {
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL_FILE))
            .unwrap();
        f.write_all(bytes).unwrap();
    }

    /// A journal of a header and entries {"n": 1..=n}.
    fn journal_of(dir: &Path, n: u32) {
        let mut j = open(dir, "f").unwrap().journal;
        for i in 1..=n {
            append_one(&mut j, json!({ "n": i }));
        }
    }

    fn numbers(o: &Opened) -> Vec<u64> {
        o.entries
            .iter()
            .map(|e| e.value()["n"].as_u64().unwrap())
            .collect()
    }

    #[test]
    fn complete_bad_last_line_is_corruption_not_a_torn_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        journal_of(dir, 1);
        append_raw(dir, b"\0\0\0\n");
        let o = open(dir, "f").unwrap();
        assert_eq!(numbers(&o), [1]);
        let bad = o.bad.unwrap();
        assert_eq!((bad.line, o.warnings.len()), (3, 0), "{bad:?}");
        assert!(bad.reason.contains("invalid JSON"), "{bad:?}");
    }

    #[test]
    fn valid_last_line_missing_only_its_newline_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        journal_of(dir, 1);
        let text = journal_text(dir);
        let prev = hex(&Sha256::digest(text.lines().last().unwrap()));
        append_raw(
            dir,
            format!("{{\"n\":2,\"{PREV_KEY}\":\"{prev}\"}}").as_bytes(),
        );
        let o = open(dir, "f").unwrap();
        assert_eq!(numbers(&o), [1, 2]);
        assert!(o.warnings.is_empty() && o.bad.is_none());
        assert!(journal_text(dir).ends_with("}\n"));
        let mut j = o.journal;
        append_one(&mut j, json!({"n": 3}));
        drop(j);
        assert_eq!(numbers(&open(dir, "f").unwrap()), [1, 2, 3]);
    }

    /// The chain finds an edited, a removed and a reordered line, and says where.
    #[test]
    fn the_chain_locates_edited_removed_and_reordered_lines() {
        type Edit = fn(&mut Vec<String>);
        let cases: [(&str, Edit, usize); 4] = [
            ("edited", |l| l[2] = l[2].replace("\"n\":2", "\"n\":7"), 3),
            ("removed", |l| drop(l.remove(2)), 2),
            ("reordered", |l| l.swap(2, 3), 2),
            ("unchained", |l| l.push("{\"n\":9}".into()), 6),
        ];
        for (what, edit, cut_at) in cases {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            journal_of(dir, 4);
            let mut lines: Vec<String> = journal_text(dir).lines().map(String::from).collect();
            edit(&mut lines);
            fs::write(dir.join(JOURNAL_FILE), lines.join("\n") + "\n").unwrap();
            let o = open(dir, "f").unwrap();
            let bad = o.bad.clone().unwrap_or_else(|| panic!("{what}: not found"));
            assert_eq!(bad.line, cut_at, "{what}: {bad:?}");
            assert!(numbers(&o).len() >= cut_at - 2, "{what}");
        }
    }

    #[test]
    fn set_aside_moves_the_rest_to_a_dated_file_and_keeps_the_chain() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        journal_of(dir, 3);
        append_raw(dir, b"{\"forged\":1}\n{\"n\":5}\n");
        let o = open(dir, "f").unwrap();
        let bad = o.bad.clone().unwrap();
        assert_eq!(bad.line, 5);
        let before = journal_text(dir);
        let mut j = o.journal;
        assert_eq!(j.count_from(bad.offset).unwrap(), (2, 0));
        let side = j.set_aside(bad.line, bad.offset).unwrap();
        let name = side.file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("journal.rejected-2"), "{name}");
        assert_eq!(
            journal_text(dir) + &fs::read_to_string(&side).unwrap(),
            before,
            "nothing is lost"
        );
        append_one(&mut j, json!({"n": 4}));
        drop(j);
        let o = open(dir, "f").unwrap();
        assert_eq!((numbers(&o), o.bad), (vec![1, 2, 3, 4], None));
    }

    #[test]
    fn a_version_1_journal_is_read_and_chained_from_its_end() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir_all(dir).unwrap();
        let header = json!({"mystaffJournal": 1, "tenantId": TENANT, "fixtureSha256": sha("f")});
        fs::write(dir.join(JOURNAL_FILE), format!("{header}\n{{\"n\":1}}\n")).unwrap();
        let mut j = open(dir, "f").unwrap().journal;
        append_one(&mut j, json!({"n": 2}));
        drop(j);
        assert_eq!(numbers(&open(dir, "f").unwrap()), [1, 2]);
        // From the first chained line on, an unchained line is refused.
        append_raw(dir, b"{\"n\":3}\n");
        assert_eq!(open(dir, "f").unwrap().bad.unwrap().line, 4);
    }

    #[cfg(unix)]
    #[test]
    fn links_and_shared_state_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        journal_of(&dir, 1);
        let elsewhere = tmp.path().join("elsewhere");
        fs::rename(dir.join(JOURNAL_FILE), &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join(JOURNAL_FILE)).unwrap();
        let err = open(&dir, "f").unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        fs::remove_file(dir.join(JOURNAL_FILE)).unwrap();
        fs::rename(&elsewhere, dir.join(JOURNAL_FILE)).unwrap();

        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        let err = open(&dir, "f").unwrap_err().to_string();
        assert!(
            err.contains("writable by everyone") && err.contains("chmod go-w"),
            "{err}"
        );
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let journal = dir.join(JOURNAL_FILE);
        fs::set_permissions(&journal, fs::Permissions::from_mode(0o620)).unwrap();
        let err = open(&dir, "f").unwrap_err().to_string();
        assert!(err.contains("writable by its group"), "{err}");
        fs::set_permissions(&journal, fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(numbers(&open(&dir, "f").unwrap()), [1]);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_state_directory_is_read_and_refuses_changes() {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: geteuid cannot fail. Root can write anything, so the case cannot be made.
        if unsafe { libc::geteuid() } == 0 {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        journal_of(&dir, 2);
        for f in [JOURNAL_FILE, LOCK_FILE] {
            fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o400)).unwrap();
        }
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        let o = open(&dir, "f");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let o = o.unwrap();
        assert_eq!(numbers(&o), [1, 2]);
        assert!(o.warnings[0].contains("read-only"), "{:?}", o.warnings);
        let mut j = o.journal;
        let err = j.transaction().unwrap_err().to_string();
        assert!(
            err.contains("read-only") && err.contains("cannot record"),
            "{err}"
        );
    }

    #[test]
    fn corrupt_middle_line_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        journal_of(dir, 2);
        let text = journal_text(dir).replacen("{\"n\":1,", "{\"n\":1,,", 1);
        fs::write(dir.join(JOURNAL_FILE), text).unwrap();
        let o = open(dir, "f").unwrap();
        assert!(o.entries.is_empty());
        let bad = o.bad.clone().unwrap();
        assert_eq!(bad.line, 2, "{bad:?}");
        let err = o.journal.corrupt(bad);
        let msg = err.to_string();
        assert!(
            msg.contains("line 2") && msg.contains(JOURNAL_FILE),
            "{msg}"
        );
    }

    #[test]
    fn fixture_change_needs_rebase() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut j = open(dir, "old").unwrap().journal;
        append_one(&mut j, json!({"n": 1}));
        drop(j);

        let err = open(dir, "new").unwrap_err();
        match &err {
            StorageError::FixtureChanged {
                journal_hash,
                fixture_hash,
                path,
            } => {
                assert_eq!(journal_hash, &sha("old"));
                assert_eq!(fixture_hash, &sha("new"));
                assert_eq!(path, &dir.join(JOURNAL_FILE));
            }
            other => panic!("unexpected {other}"),
        }
        assert!(err.to_string().contains("--rebase"));

        let o = Journal::open(dir, TENANT, &sha("new"), true).unwrap();
        assert!(o.rebased);
        assert_eq!(o.entries, vec![json!({"n": 1})]);
        let last = journal_text(dir).lines().last().unwrap().to_string();
        let mut last: Value = serde_json::from_str(&last).unwrap();
        assert!(last.as_object_mut().unwrap().remove(PREV_KEY).is_some());
        assert_eq!(
            last,
            json!({"mystaffRebase": {"from": sha("old"), "to": sha("new")}})
        );
        let mut j = o.journal;
        append_one(&mut j, json!({"n": 2}));
        drop(j);

        let o = open(dir, "new").unwrap();
        assert!(!o.rebased);
        assert_eq!(o.entries, vec![json!({"n": 1}), json!({"n": 2})]);
        assert!(matches!(
            open(dir, "old"),
            Err(StorageError::FixtureChanged { .. })
        ));
    }

    #[test]
    fn other_handle_rebasing_stops_transactions() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut a = open(dir, "old").unwrap().journal;
        Journal::open(dir, TENANT, &sha("new"), true).unwrap();
        assert!(matches!(
            a.transaction(),
            Err(StorageError::FixtureChanged { .. })
        ));
        assert!(matches!(
            a.refresh(),
            Err(StorageError::FixtureChanged { .. })
        ));
    }

    #[test]
    fn different_tenant_refused_even_with_rebase() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        open(dir, "f").unwrap();
        for rebase in [false, true] {
            let err = Journal::open(dir, "fabrikam", &sha("f"), rebase).unwrap_err();
            assert!(matches!(err, StorageError::TenantMismatch { .. }), "{err}");
            assert!(err.to_string().contains("fabrikam"));
        }
    }

    #[test]
    fn torn_header_is_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join(JOURNAL_FILE), b"{\"mystaffJour").unwrap();
        let o = open(dir, "f").unwrap();
        assert_eq!(o.warnings.len(), 1);
        assert!(o.entries.is_empty());
        assert_eq!(journal_text(dir).lines().count(), 1);
    }

    #[test]
    fn foreign_file_is_not_a_journal() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join(JOURNAL_FILE), b"hello\n{}\n").unwrap();
        let err = open(dir, "f").unwrap_err();
        assert!(err.to_string().contains("invalid JSON"), "{err}");
        assert!(matches!(err, StorageError::NotAJournal { .. }), "{err}");
    }

    #[test]
    fn refresh_sees_others_and_leaves_partial_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut a = open(dir, "f").unwrap().journal;
        let mut b = open(dir, "f").unwrap().journal;
        append_one(&mut b, json!({"from": "b"}));
        assert_eq!(a.refresh().unwrap(), vec![json!({"from": "b"})]);
        assert!(a.refresh().unwrap().is_empty());
        // Simulate another writer mid-write: refresh must not consume it.
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL_FILE))
            .unwrap();
        let prev = hex(&Sha256::digest(journal_text(dir).lines().last().unwrap()));
        f.write_all(b"{\"from\":").unwrap();
        assert!(a.refresh().unwrap().is_empty());
        f.write_all(format!("\"c\",\"{PREV_KEY}\":\"{prev}\"}}\n").as_bytes())
            .unwrap();
        assert_eq!(a.refresh().unwrap(), vec![json!({"from": "c"})]);
    }

    #[test]
    fn error_messages_name_path_and_cause() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain");
        fs::write(&file, b"x").unwrap();
        let dir = file.join("state");
        let err = open(&dir, "f").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("cannot create state directory "), "{msg}");
        assert!(msg.contains(&*dir.to_string_lossy()), "{msg}");
    }

    #[test]
    fn concurrent_handles_do_not_lose_or_interleave() {
        const PER: usize = 200;
        let tmp = tempfile::tempdir().unwrap();
        let dir = Arc::new(tmp.path().to_path_buf());
        open(&dir, "f").unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|who| {
                let dir = Arc::clone(&dir);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let o = open(&dir, "f").unwrap();
                    let mut j = o.journal;
                    // This handle's view of the journal, in the order seen.
                    let mut view: Vec<Value> = o.entries.iter().map(RawEntry::value).collect();
                    let mut seen_other = 0;
                    barrier.wait();
                    for i in 0..PER {
                        let mut t = j.transaction().unwrap();
                        let new: Vec<Value> =
                            t.take_new_entries().iter().map(RawEntry::value).collect();
                        seen_other += new.iter().filter(|e| e["who"] != who).count();
                        view.extend(new);
                        let e = json!({"who": who, "i": i});
                        t.append(&e).unwrap();
                        view.push(e);
                    }
                    barrier.wait();
                    let t = j.transaction().unwrap();
                    seen_other += t.new_entries().len();
                    view.extend(t.new_entries().iter().map(RawEntry::value));
                    (view, seen_other)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();

        let text = journal_text(&dir);
        for line in text.lines() {
            serde_json::from_str::<Value>(line).unwrap();
        }
        let o = open(&dir, "f").unwrap();
        assert_eq!(o.entries.len(), 2 * PER);
        for who in ["a", "b"] {
            let is: Vec<_> = o
                .entries
                .iter()
                .map(RawEntry::value)
                .filter(|e| e["who"] == who)
                .map(|e| e["i"].clone())
                .collect();
            assert_eq!(is, (0..PER).map(|i| json!(i)).collect::<Vec<_>>());
        }
        for (view, seen_other) in results {
            // Each handle saw every entry, in file order.
            assert_eq!(o.entries, view);
            assert_eq!(seen_other, PER);
        }
    }

    /// The one-pass check accepts exactly the lines the full `Value` parse accepts.
    #[test]
    fn probe_agrees_with_value_parse() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        let lines: Vec<Vec<u8>> = [
            r#"{"n":1}"#,
            r#"{"a":{"b":[1,-2,3.5e10,true,null,"x\n\u00e9"]}}"#,
            r#"{"s":"\ud800"}"#,
            r#"{"s":"\ud83d\ude00"}"#,
            r#"{"n":1e400}"#,
            r#"{"n":-1e400}"#,
            r#"{"n":18446744073709551616}"#,
            r#"{"n":01}"#,
            r#"{"n":1,}"#,
            r#"{"n":1} x"#,
            r#"{"n":1}{"#,
            r#"{"a":"\x"}"#,
            r#"{"mystaffJournal":1,"tenantId":"t","fixtureSha256":"f"}"#,
            r#"{"n":1,"mystaffRebase":{"to":"x"}}"#,
            r#"{"n":1,"n":2}"#,
            r#"[1]"#,
            r#""s""#,
            r#"{"#,
            "",
            deep.as_str(),
        ]
        .iter()
        .map(|l| l.as_bytes().to_vec())
        .chain([b"{\"s\":\"\xff\"}".to_vec(), b"{\"s\xff\":1}".to_vec()])
        .collect();
        for l in &lines {
            let kind = |r: Result<Parsed, String>| match r {
                Ok(Parsed {
                    line: Line::Header { .. },
                    ..
                }) => "header".to_string(),
                Ok(Parsed {
                    line: Line::Rebase { .. },
                    ..
                }) => "rebase".to_string(),
                Ok(Parsed {
                    line: Line::Entry,
                    prev,
                }) => format!("entry {prev:?}"),
                Err(e) => format!("error {e}"),
            };
            let probe_ok = serde_json::from_slice::<Probe>(l).is_ok();
            let object = serde_json::from_slice::<Value>(l).is_ok_and(|v| v.is_object());
            assert_eq!(probe_ok, object, "{}", String::from_utf8_lossy(l));
            assert_eq!(
                kind(parse_line(l)),
                kind(parse_line_value(l)),
                "{}",
                String::from_utf8_lossy(l)
            );
        }
    }

    #[test]
    fn prefs_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state");
        assert!(load_prefs(&dir).unwrap().is_empty());
        let mut m = Map::new();
        m.insert("lastLocation".into(), json!({"alice": "unit-1"}));
        save_prefs(&dir, &m).unwrap();
        assert_eq!(load_prefs(&dir).unwrap(), m);
        m.insert("x".into(), json!(1));
        save_prefs(&dir, &m).unwrap();
        assert_eq!(load_prefs(&dir).unwrap(), m);
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![PREFS_FILE]);
        fs::write(dir.join(PREFS_FILE), b"[1]").unwrap();
        assert!(matches!(
            load_prefs(&dir),
            Err(StorageError::CorruptPrefs { .. })
        ));
    }
}
