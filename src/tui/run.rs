//! The crossterm driver: raw mode and the alternate screen, restored on every exit path (normal
//! exit, Ctrl-C, errors, panics: a panic hook plus a `Drop` guard); events in, effects out through
//! the session; searches on a worker thread where a newer query cancels older ones.

use crate::model::UserId;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Once};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event as CtEvent, MouseButton, MouseEventKind,
};
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::search::{SearchCache, SearchIndex};
use crate::session::Session;

use super::App;
use super::config::Config;
use super::keymap::Key;
use super::state::Invocation;
use super::state::{Event, MouseKind, SEARCH_LIMIT, SearchHit};
use super::theme::{Theme, ThemeKind};

/// How `mystaff` opens the UI.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    /// Signed in already (`--as`); `None` opens the sign-in screen.
    pub as_user: Option<UserId>,
    /// Capture mouse clicks and the wheel (`--mouse`); off by default so text selection works.
    pub mouse: bool,
    /// The config file's keys and theme.
    pub config: Config,
    /// The flags the UI was opened with, for commands it shows (an undo command must name the
    /// same tenant and state).
    pub invocation: Invocation,
}

/// Set while the terminal is in raw mode / the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static MOUSE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Puts the terminal back as it was. Safe to call more than once.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        if MOUSE.swap(false, Ordering::SeqCst) {
            let _ = execute!(out, DisableMouseCapture);
        }
        let _ = execute!(
            out,
            EndSynchronizedUpdate,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Restores the terminal when dropped: covers `?` returns and unwinding.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the message is printed on the normal screen and readable.
            restore();
            previous(info);
        }));
    });
}

fn enter(mouse: bool) -> anyhow::Result<Guard> {
    install_panic_hook();
    terminal::enable_raw_mode().context("cannot switch the terminal to raw mode")?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, cursor::Hide)
        .context("cannot enter the alternate screen")?;
    if mouse {
        execute!(out, EnableMouseCapture).context("cannot capture the mouse")?;
        MOUSE.store(true, Ordering::SeqCst);
    }
    Ok(guard)
}

enum Request {
    Query(u64, String),
    Index(Box<SearchIndex>),
}

/// The search worker: always answers the newest query; older ones still queued are dropped, a
/// search running when a newer query arrives stops (`cancel`, set by [`send_query`]), and a result
/// that became stale while it was computed is not sent. It keeps a [`SearchCache`], so typing on
/// only rescans what the previous keystroke matched.
fn spawn_searcher(
    index: SearchIndex,
    latest: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
) -> (Sender<Request>, Receiver<(u64, Vec<SearchHit>)>) {
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    let (res_tx, res_rx) = mpsc::channel();
    thread::Builder::new()
        .name("mystaff-search".into())
        .spawn(move || {
            let mut index = index;
            let mut cache = SearchCache::default();
            while let Ok(first) = req_rx.recv() {
                let mut query = None;
                let mut handle = |r: Request, index: &mut SearchIndex| match r {
                    Request::Query(seq, q) => query = Some((seq, q)),
                    Request::Index(i) => *index = *i,
                };
                handle(first, &mut index);
                while let Ok(more) = req_rx.try_recv() {
                    handle(more, &mut index);
                }
                let Some((seq, q)) = query else { continue };
                // Clear the flag before looking at `latest`: a newer query stored after this
                // look sets the flag after this clear, and so stops the search below.
                cancel.store(false, Ordering::SeqCst);
                if seq < latest.load(Ordering::SeqCst) {
                    continue;
                }
                let Some(hits) = index.search_incremental(&mut cache, &q, SEARCH_LIMIT, &cancel)
                else {
                    continue; // stale: a newer query is queued
                };
                if seq == latest.load(Ordering::SeqCst) && res_tx.send((seq, hits)).is_err() {
                    break;
                }
            }
        })
        .expect("spawn the search thread");
    (req_tx, res_rx)
}

/// Queues a query for the worker and stops the search it may be running.
fn send_query(
    tx: &Sender<Request>,
    latest: &AtomicU64,
    cancel: &AtomicBool,
    seq: u64,
    query: String,
) {
    latest.store(seq, Ordering::SeqCst);
    cancel.store(true, Ordering::SeqCst);
    let _ = tx.send(Request::Query(seq, query));
}

fn to_event(ev: CtEvent) -> Option<Event> {
    match ev {
        CtEvent::Key(k) => Key::from_event(&k).map(Event::Key),
        CtEvent::Resize(w, h) => Some(Event::Resize(w, h)),
        CtEvent::Mouse(m) => {
            let kind = match m.kind {
                MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
                MouseEventKind::ScrollUp => MouseKind::ScrollUp,
                MouseEventKind::ScrollDown => MouseKind::ScrollDown,
                _ => return None,
            };
            Some(Event::Mouse {
                kind,
                col: m.column,
                row: m.row,
            })
        }
        _ => None,
    }
}

/// How often the driver catches up on other processes' journal entries.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// The UI was started without a terminal to draw on (in a pipe, a script or a cron job): a usage
/// error, not a failure.
#[derive(Debug, thiserror::Error)]
#[error(
    "the terminal UI needs an interactive terminal (standard input and output are not one); for scripts, use a subcommand (see `mystaff --help`)"
)]
pub struct NoTerminal;

/// Runs the terminal UI until the user quits.
pub fn run(session: Session, options: TuiOptions) -> anyhow::Result<()> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(NoTerminal.into());
    }
    let mut theme = Theme::new(ThemeKind::from_env(options.config.theme));
    options.config.apply(&mut theme);
    let size = terminal::size().unwrap_or((80, 24));
    let mut app = App::with_keys(session, options.as_user, size, options.config.keys.clone());
    app.handle(Event::Invocation(options.invocation.clone()));
    app.deferred_search = true;
    app.deferred_changes = true;
    app.tick();
    // Anything the session found while opening (a torn journal tail, say) is shown, not lost.
    for w in std::mem::take(&mut app.backend.warnings) {
        app.handle(Event::Warning(w));
    }
    let latest = Arc::new(AtomicU64::new(0));
    let cancel = Arc::new(AtomicBool::new(false));

    let guard = enter(options.mouse)?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))
        .context("cannot draw on the terminal")?;
    term.clear()?;
    let draw = |term: &mut Terminal<CrosstermBackend<io::Stdout>>, app: &App<Session>| {
        let size = term.size()?;
        let vm = app
            .state
            .view(app.backend.tenant(), (size.width, size.height));
        execute!(io::stdout(), BeginSynchronizedUpdate)?;
        term.draw(|f| super::ui::draw(f, &vm, &theme))?;
        execute!(io::stdout(), EndSynchronizedUpdate)?;
        anyhow::Ok(())
    };
    let mut last_refresh = Instant::now();
    let result: anyhow::Result<()> = (|| {
        // The first frame goes up before the search index is built (0.1-0.3 s at 2M users):
        // keys typed meanwhile wait in the terminal and are handled next.
        draw(&mut term, &app)?;
        let index = SearchIndex::new(app.backend.tenant());
        let (search_tx, search_rx) = spawn_searcher(index, latest.clone(), cancel.clone());
        let mut dirty = false;
        loop {
            if dirty {
                draw(&mut term, &app)?;
                dirty = false;
            }
            // A change goes to disk after the frame that says "Saving…" is up.
            if app.has_pending() {
                app.run_pending();
                dirty = true;
                continue;
            }
            if app.state.quit {
                break;
            }
            // Wait for input, coalescing bursts (key repeat, paste) into one redraw.
            if event::poll(Duration::from_millis(40))? {
                let deadline = Instant::now() + Duration::from_millis(8);
                loop {
                    if let Some(ev) = to_event(event::read()?) {
                        app.handle(ev);
                        dirty = true;
                    }
                    if app.state.quit || Instant::now() >= deadline || !event::poll(Duration::ZERO)?
                    {
                        break;
                    }
                }
            }
            for (seq, query) in app.searches.drain(..) {
                send_query(&search_tx, &latest, &cancel, seq, query);
            }
            while let Ok((seq, hits)) = search_rx.try_recv() {
                app.handle(Event::SearchResults { seq, hits });
                dirty = true;
            }
            if last_refresh.elapsed() >= REFRESH_EVERY {
                last_refresh = Instant::now();
                // "today 04:25" becomes "yesterday 04:25" at midnight.
                app.tick();
                dirty = true;
                match app.backend.refresh() {
                    Ok(0) => {}
                    Ok(_) => {
                        let _ = search_tx.send(Request::Index(Box::new(SearchIndex::new(
                            app.backend.tenant(),
                        ))));
                        app.tenant_changed();
                        dirty = true;
                    }
                    Err(e) => {
                        app.handle(Event::RefreshFailed(e.to_string()));
                        dirty = true;
                    }
                }
            }
        }
        Ok(())
    })();
    drop(term);
    drop(guard);
    // Anything the session wants the user to know (e.g. a preference that could not be saved).
    for w in app.backend.warnings.drain(..) {
        eprintln!("mystaff: warning: {}", crate::sanitize::clean_lines(&w));
    }
    // The state goes first, so a password still on screen is zeroized. The session is left to
    // the OS: freeing a tenant of millions of users item by item kept the user waiting at exit
    // (0.5 s at 2M). Its changes are already on disk (each append is fsynced) and the journal
    // lock goes with the process.
    let App { state, backend, .. } = app;
    drop(state);
    std::mem::forget(backend);
    result
}
