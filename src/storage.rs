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
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

const JOURNAL_FILE: &str = "journal.jsonl";
const LOCK_FILE: &str = "journal.lock";
const PREFS_FILE: &str = "prefs.json";
const HEADER_KEY: &str = "mystaffJournal";
const REBASE_KEY: &str = "mystaffRebase";
const JOURNAL_VERSION: u64 = 1;

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

/// A fixture file's bytes, mapped read-only (Linux) or read into memory (elsewhere, or an empty
/// file). A mapped fixture can give back the pages of a part that has been read
/// ([`FixtureBytes::release`]): loading a 450 MB fixture then never holds all of it at once.
pub struct FixtureBytes {
    ptr: *const u8,
    len: usize,
    mapped: bool,
    owned: Vec<u8>,
}

impl FixtureBytes {
    pub fn open(path: &Path) -> io::Result<FixtureBytes> {
        #[cfg(target_os = "linux")]
        {
            let file = File::open(path)?;
            let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
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
        let owned = fs::read(path)?;
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
pub struct RawEntry(Box<[u8]>);

impl RawEntry {
    /// The line, without its newline.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The entry as a JSON value (it was checked to be one when it was read).
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.0).expect("journal entries are checked when read")
    }
}

impl fmt::Debug for RawEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
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
        let _ = self.journal.lock_file.unlock();
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
        if obj.contains_key(HEADER_KEY) || obj.contains_key(REBASE_KEY) {
            // These keys mark control lines; an entry carrying them would be
            // misread on replay.
            return Err(invalid(
                "an entry must not use the reserved keys mystaffJournal or mystaffRebase",
            ));
        }
        self.journal.append_locked(entry)
    }
}

/// What one complete line means.
enum Line {
    Header { tenant: String, sha: String },
    Rebase { to: String },
    Entry(RawEntry),
}

/// `Err` = not a line we could have written (torn or corrupt), with why.
///
/// The common line, an entry, is checked in one pass that builds nothing ([`Probe`]); anything
/// else (the header, a rebase marker, a bad line) takes the full parse, which also words the
/// reason.
fn parse_line(bytes: &[u8]) -> Result<Line, String> {
    match serde_json::from_slice::<Probe>(bytes) {
        Ok(Probe { reserved: false }) => Ok(Line::Entry(RawEntry(bytes.into()))),
        _ => parse_line_value(bytes),
    }
}

fn parse_line_value(bytes: &[u8]) -> Result<Line, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON ({e})"))?;
    let Value::Object(obj) = value else {
        return Err("not a JSON object".into());
    };
    if let Some(version) = obj.get(HEADER_KEY) {
        if version.as_u64() != Some(JOURNAL_VERSION) {
            return Err(format!("unsupported journal version {version}"));
        }
        let field = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        return match (field("tenantId"), field("fixtureSha256")) {
            (Some(tenant), Some(sha)) => Ok(Line::Header { tenant, sha }),
            _ => Err("header lacks tenantId or fixtureSha256".into()),
        };
    }
    if let Some(marker) = obj.get(REBASE_KEY) {
        return match marker.get("to").and_then(Value::as_str) {
            Some(to) => Ok(Line::Rebase { to: to.to_string() }),
            None => Err("rebase marker lacks \"to\"".into()),
        };
    }
    Ok(Line::Entry(RawEntry(bytes.into())))
}

/// A line checked without building it: a JSON object whose values are all valid JSON (numbers in
/// range, strings valid UTF-8 with valid escapes, nesting within serde_json's limit: the same
/// parser and checks as a `Value`, since both go through `deserialize_any`). `reserved` says
/// whether it has a header or rebase key. Anything that is not an object is an error here.
struct Probe {
    reserved: bool,
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
                let mut reserved = false;
                while let Some(key) = m.next_key::<Key>()? {
                    reserved |= key.0;
                    m.next_value::<Valid>()?;
                }
                Ok(Probe { reserved })
            }
        }
        d.deserialize_any(V)
    }
}

/// A map key; `.0` is true for the reserved keys.
struct Key(bool);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E: serde::de::Error>(self, k: &str) -> Result<Key, E> {
                Ok(Key(k == HEADER_KEY || k == REBASE_KEY))
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

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// We hold the lock: an unparsable tail is a crashed write.
    Locked,
    /// No lock: an unfinished tail may be a write in progress; leave it.
    Unlocked,
}

impl Journal {
    /// Opens (creating if needed) the journal in `dir` and returns the entries
    /// to replay. With `rebase`, a journal started on another fixture of the
    /// same tenant gets a rebase marker instead of an error.
    pub fn open(
        dir: &Path,
        tenant_id: &str,
        fixture_sha256: &str,
        rebase: bool,
    ) -> Result<Opened, StorageError> {
        create_state_dir(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let lock_path = dir.join(LOCK_FILE);
        let lock_file =
            open_private(&lock_path, false).map_err(io_err("cannot open lock file", &lock_path))?;
        let (file, created) = open_journal_file(&path)?;
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
        };
        if created {
            sync_dir(dir)?;
        }
        // Hold the lock for the whole open so header creation and rebase
        // markers cannot race another process opening the same dir.
        let txn = journal.transaction_unchecked()?;
        let mut warnings = txn.journal.ensure_header()?;
        let (entries, torn) = txn.journal.read_new(Mode::Locked)?;
        warnings.extend(torn);
        let j = &mut *txn.journal;
        let mut rebased = false;
        if j.journal_sha256 != j.fixture_sha256 {
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
        })
    }

    /// Takes the exclusive lock and catches up on entries others appended.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, StorageError> {
        let mut txn = self.transaction_unchecked()?;
        let (entries, warnings) = txn.journal.read_new(Mode::Locked)?;
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
        let (entries, _) = self.read_new(Mode::Unlocked)?;
        if self.journal_sha256 != self.fixture_sha256 {
            return Err(self.fixture_changed());
        }
        Ok(entries)
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

    /// Under the lock: writes the header if the file has no complete first
    /// line (new file, or a crash while writing the header).
    fn ensure_header(&mut self) -> Result<Vec<String>, StorageError> {
        let bytes = self.read_from(0)?;
        if bytes.contains(&b'\n') {
            return Ok(Vec::new());
        }
        let mut warnings = Vec::new();
        if !bytes.is_empty() {
            let side = self.preserve_torn(&bytes)?;
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

    /// Parses complete lines after `offset`, advancing past valid ones.
    /// Returns the entries and, in locked mode, a warning for a torn tail.
    fn read_new(&mut self, mode: Mode) -> Result<(Vec<RawEntry>, Option<String>), StorageError> {
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
        let mut entries = Vec::new();
        let mut pos = 0usize;
        let mut torn = false;
        while pos < bytes.len() {
            let Some(nl) = bytes[pos..].iter().position(|&b| b == b'\n') else {
                torn = true; // no newline: unfinished or crashed write
                break;
            };
            let line_no = self.lines + 1;
            let end = pos + nl + 1;
            let is_last = end == bytes.len();
            let parsed = parse_line(&bytes[pos..pos + nl]);
            let line = match parsed {
                Ok(line) => line,
                Err(_) if is_last => {
                    torn = true; // garbage last line: a crash, not corruption
                    break;
                }
                Err(reason) if line_no == 1 => {
                    return Err(StorageError::NotAJournal {
                        path: self.path.clone(),
                        reason,
                    });
                }
                Err(reason) => {
                    return Err(StorageError::Corrupt {
                        path: self.path.clone(),
                        line: line_no,
                        reason,
                    });
                }
            };
            match (line_no, line) {
                (1, Line::Header { tenant, sha }) => {
                    if tenant != self.tenant_id {
                        return Err(StorageError::TenantMismatch {
                            path: self.path.clone(),
                            journal_tenant: tenant,
                            tenant: self.tenant_id.clone(),
                        });
                    }
                    self.journal_sha256 = sha;
                }
                (1, _) => {
                    return Err(StorageError::NotAJournal {
                        path: self.path.clone(),
                        reason: "the first line is not a journal header".into(),
                    });
                }
                (_, Line::Header { .. }) => {
                    return Err(StorageError::Corrupt {
                        path: self.path.clone(),
                        line: line_no,
                        reason: "unexpected second journal header".into(),
                    });
                }
                (_, Line::Rebase { to }) => self.journal_sha256 = to,
                (_, Line::Entry(v)) => entries.push(v),
            }
            pos = end;
            self.lines = line_no;
            self.offset += nl as u64 + 1;
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
        Ok((entries, warning))
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
            self.preserve_torn(&tail)?;
            self.file
                .set_len(self.offset)
                .and_then(|_| self.file.sync_data())
                .map_err(io_err("cannot truncate torn tail of journal", &self.path))?;
        }
        let mut buf = serde_json::to_vec(value).map_err(|e| StorageError::InvalidEntry {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
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
        self.offset += buf.len() as u64;
        self.lines += 1;
        Ok(())
    }

    /// Saves torn bytes to `journal.torn-<unix-ts>` (fsynced) so truncating
    /// them never loses data.
    fn preserve_torn(&self, bytes: &[u8]) -> Result<PathBuf, StorageError> {
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut n = 0u32;
        loop {
            let name = if n == 0 {
                format!("journal.torn-{ts}")
            } else {
                format!("journal.torn-{ts}-{n}")
            };
            let side = self.dir.join(name);
            match open_private(&side, true) {
                Ok(mut f) => {
                    f.write_all(bytes)
                        .and_then(|_| f.sync_all())
                        .map_err(io_err("cannot save torn journal bytes to", &side))?;
                    sync_dir(&self.dir)?;
                    return Ok(side);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(io_err("cannot save torn journal bytes to", &side)(e)),
            }
        }
    }
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
    let bytes = match fs::read(&path) {
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
            json!({"mystaffJournal": 1, "tenantId": TENANT, "fixtureSha256": sha("f1")})
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

    #[test]
    fn invalid_last_line_with_newline_is_torn() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut j = open(dir, "f").unwrap().journal;
        append_one(&mut j, json!({"n": 1}));
        drop(j);
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL_FILE))
            .unwrap();
        f.write_all(b"\0\0\0\n").unwrap();
        drop(f);
        let o = open(dir, "f").unwrap();
        assert_eq!(o.entries, vec![json!({"n": 1})]);
        assert!(o.warnings[0].contains("line 3"), "{}", o.warnings[0]);
    }

    #[test]
    fn corrupt_middle_line_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut j = open(dir, "f").unwrap().journal;
        append_one(&mut j, json!({"n": 1}));
        append_one(&mut j, json!({"n": 2}));
        drop(j);
        let text = journal_text(dir).replacen("{\"n\":1}", "{\"n\":1", 1);
        fs::write(dir.join(JOURNAL_FILE), text).unwrap();
        let err = open(dir, "f").unwrap_err();
        assert!(
            matches!(err, StorageError::Corrupt { line: 2, .. }),
            "{err}"
        );
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
        assert_eq!(
            serde_json::from_str::<Value>(&last).unwrap(),
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
        f.write_all(b"{\"from\":").unwrap();
        assert!(a.refresh().unwrap().is_empty());
        f.write_all(b"\"c\"}\n").unwrap();
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
            let kind = |r: Result<Line, String>| match r {
                Ok(Line::Header { .. }) => "header".to_string(),
                Ok(Line::Rebase { .. }) => "rebase".to_string(),
                Ok(Line::Entry(e)) => format!("entry {:?}", e.value()),
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
