//! Timestamps for people: the tenant stores RFC 3339 UTC (`2026-12-02T04:25:27.62440635Z`);
//! people read local time ("today 04:25", "2 Dec 04:25") and, where exactness matters, UTC to
//! the second ("2026-12-02 04:25:27 UTC").
//!
//! Everything here is pure (the clock and the offset are arguments, so the TUI and tests pass
//! their own) except [`local_offset_at`], which asks the system and is for drivers only.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// The widest [`human`] form ("yesterday 23:10"), for fixed-width columns.
pub const HUMAN_WIDTH: usize = 15;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an RFC 3339 timestamp (any offset, any fraction length).
pub fn parse(at: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(at.trim(), &Rfc3339).ok()
}

/// Local and human: "today 04:25", "yesterday 23:10", "2 Dec 04:25" (this year), "2 Dec 2025"
/// (another year). `now` and `at` are read at `offset`. Text that is not a timestamp comes back
/// as it is, so a bad record still shows something.
pub fn human(at: &str, now: OffsetDateTime, offset: UtcOffset) -> String {
    match parse(at) {
        Some(t) => human_at(t, now, offset),
        None => at.to_string(),
    }
}

/// [`human`] for a parsed time.
pub fn human_at(at: OffsetDateTime, now: OffsetDateTime, offset: UtcOffset) -> String {
    let (at, now) = (at.to_offset(offset), now.to_offset(offset));
    let clock = format!("{:02}:{:02}", at.hour(), at.minute());
    let (day, today) = (at.date(), now.date());
    if day == today {
        return format!("today {clock}");
    }
    if today.previous_day() == Some(day) {
        return format!("yesterday {clock}");
    }
    let dm = day_month(day);
    if day.year() == today.year() {
        format!("{dm} {clock}")
    } else {
        format!("{dm} {}", day.year())
    }
}

fn day_month(d: Date) -> String {
    format!(
        "{} {}",
        d.day(),
        MONTHS[usize::from(u8::from(d.month())) - 1]
    )
}

/// Unix seconds as RFC 3339 UTC to the second ("2026-12-02T04:25:27Z"), as the tenant stores
/// times.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// Exact, in UTC, to the second: "2026-12-02 04:25:27 UTC". Text that is not a timestamp comes
/// back as it is.
pub fn exact_utc(at: &str) -> String {
    match parse(at) {
        Some(t) => {
            let t = t.to_offset(UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        None => at.to_string(),
    }
}

/// The system's UTC offset at `at` (for drivers, not pure): the offset of that moment, so a
/// record from before a daylight-saving change shows the hour the clock on the wall showed.
///
/// `time`'s own `current_local_offset` refuses on Unix once a program has a second thread (the
/// TUI's search worker, the test harness), because reading the C library's time zone races with
/// `setenv`. `jiff` reads `TZ` and the zoneinfo database itself, with no such race, so it
/// answers from any thread. Unknown zone: UTC.
pub fn local_offset_at(at: OffsetDateTime) -> UtcOffset {
    Clock::system(at).offset_at(at)
}

/// What "now" is and how to read an instant on the wall clock: the input the TUI's state machine
/// gets from its driver, so that it can show local times without asking the system itself.
#[derive(Debug, Clone)]
pub struct Clock {
    pub now: OffsetDateTime,
    zone: Zone,
}

#[derive(Debug, Clone)]
enum Zone {
    Fixed(UtcOffset),
    /// A time zone's rules, read once: turning an instant into its offset is then computation.
    Rules(jiff::tz::TimeZone),
}

impl Clock {
    /// Every instant read at `offset` (tests, and a fixed `MYSTAFF_NOW`-style clock).
    pub fn fixed(now: OffsetDateTime, offset: UtcOffset) -> Clock {
        Clock {
            now,
            zone: Zone::Fixed(offset),
        }
    }

    /// The system's time zone (for drivers: it reads `TZ` and the zoneinfo database once).
    pub fn system(now: OffsetDateTime) -> Clock {
        Clock {
            now,
            zone: Zone::Rules(jiff::tz::TimeZone::system()),
        }
    }

    /// The offset of the wall clock at `at` (daylight saving of that moment, not of now).
    pub fn offset_at(&self, at: OffsetDateTime) -> UtcOffset {
        match &self.zone {
            Zone::Fixed(o) => *o,
            Zone::Rules(tz) => jiff::Timestamp::from_second(at.unix_timestamp())
                .map(|ts| tz.to_offset(ts).seconds())
                .ok()
                .and_then(|s| UtcOffset::from_whole_seconds(s).ok())
                .unwrap_or(UtcOffset::UTC),
        }
    }

    /// [`human`] on this clock, each instant at its own offset.
    pub fn human(&self, at: &str) -> String {
        match parse(at) {
            Some(t) => human_at(t, self.now, self.offset_at(t)),
            None => at.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    const NOW: OffsetDateTime = datetime!(2026-12-02 10:00:00 UTC);

    #[test]
    fn today_yesterday_this_year_and_older() {
        let utc = UtcOffset::UTC;
        assert_eq!(
            human("2026-12-02T04:25:27.62440635Z", NOW, utc),
            "today 04:25"
        );
        assert_eq!(human("2026-12-01T23:10:00Z", NOW, utc), "yesterday 23:10");
        assert_eq!(human("2026-11-30T23:10:00Z", NOW, utc), "30 Nov 23:10");
        assert_eq!(human("2026-01-02T04:25:00Z", NOW, utc), "2 Jan 04:25");
        assert_eq!(human("2025-12-02T04:25:27Z", NOW, utc), "2 Dec 2025");
        // A clock that ran ahead: a date after today is shown as a date, not as "today".
        assert_eq!(human("2026-12-05T08:00:00Z", NOW, utc), "5 Dec 08:00");
    }

    #[test]
    fn the_offset_moves_the_day_boundary() {
        // 23:30 UTC on the 1st is 08:30 on the 2nd in Tokyo: today there, yesterday in UTC.
        let at = "2026-12-01T23:30:00Z";
        assert_eq!(human(at, NOW, UtcOffset::UTC), "yesterday 23:30");
        assert_eq!(human(at, NOW, offset!(+9)), "today 08:30");
        // 04:25 UTC is still the 1st in Denver (-7): yesterday, 21:25.
        assert_eq!(
            human("2026-12-02T04:25:00Z", NOW, offset!(-7)),
            "yesterday 21:25"
        );
        // New Year's Eve in UTC is already next year east of it.
        let ny = datetime!(2027-01-01 03:00:00 UTC);
        assert_eq!(
            human("2026-12-31T20:00:00Z", ny, offset!(+5)),
            "today 01:00"
        );
        assert_eq!(
            human("2026-12-31T20:00:00Z", ny, UtcOffset::UTC),
            "yesterday 20:00"
        );
    }

    #[test]
    fn exact_utc_is_to_the_second_whatever_the_fraction_or_offset() {
        assert_eq!(
            exact_utc("2026-12-02T04:25:27.62440635Z"),
            "2026-12-02 04:25:27 UTC"
        );
        assert_eq!(exact_utc("2026-12-02T04:25:27Z"), "2026-12-02 04:25:27 UTC");
        assert_eq!(
            exact_utc("2026-12-02T06:25:27.5+02:00"),
            "2026-12-02 04:25:27 UTC"
        );
    }

    #[test]
    fn text_that_is_not_a_timestamp_comes_back_unchanged() {
        assert_eq!(human("yesterday-ish", NOW, UtcOffset::UTC), "yesterday-ish");
        assert_eq!(exact_utc(""), "");
        assert_eq!(exact_utc("2026-13-02T04:25:27Z"), "2026-13-02T04:25:27Z");
    }

    #[test]
    fn human_width_is_the_widest_form() {
        let widest = [
            "yesterday 23:59",
            "30 Nov 23:10",
            "today 04:25",
            "12 Dec 2025",
        ]
        .iter()
        .map(|s| s.chars().count())
        .max();
        assert_eq!(widest, Some(HUMAN_WIDTH));
    }

    #[test]
    fn the_system_offset_is_whole_and_bounded() {
        // Whatever zone the machine is in, the answer is a real offset (±18 h).
        let o = local_offset_at(NOW);
        assert!(o.whole_hours().abs() <= 18, "{o}");
    }

    #[test]
    fn a_clock_reads_each_instant_at_its_own_offset() {
        let tz = jiff::tz::TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        let clock = Clock {
            now: NOW,
            zone: Zone::Rules(tz),
        };
        // December: standard time, UTC-5. July: daylight time, UTC-4.
        assert_eq!(clock.human("2026-12-02T14:00:00Z"), "today 09:00");
        assert_eq!(clock.human("2026-07-01T14:00:00Z"), "1 Jul 10:00");
        assert_eq!(clock.human("not a date"), "not a date");
        let fixed = Clock::fixed(NOW, UtcOffset::UTC);
        assert_eq!(fixed.human("2026-12-02T04:25:27.62440635Z"), "today 04:25");
    }
}
