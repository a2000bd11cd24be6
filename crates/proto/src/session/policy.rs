//! What a client does when its connection closes, as data: retry after a growing, jittered
//! delay, or stop with a [`Failure`] that says what the player can do about it.

use std::fmt;

use crate::close::CloseReason;

/// Reconnect timing: the first delay doubles per failed attempt up to a ceiling, scaled by a
/// random factor between 75% and 125% so clients dropped together do not return together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The first delay, in ms.
    pub first_ms: f64,
    /// The longest delay, in ms.
    pub max_ms: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first_ms: 500.0,
            max_ms: 10_000.0,
        }
    }
}

impl Backoff {
    /// The delay before reconnect attempt `attempt` (0-based), for `jitter` in [0, 1).
    pub fn delay_ms(&self, attempt: u32, jitter: f64) -> f64 {
        let doubled = self.first_ms * 2f64.powi(attempt.min(16) as i32);
        doubled.min(self.max_ms) * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// Why a session stopped for good: retrying would only repeat it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The client speaks another protocol or game version (4000): reload it.
    Outdated,
    /// The server refused the name (4002).
    InvalidName,
    /// The room asked for is full (4006).
    RoomFull,
    /// No room has the code asked for (4008).
    NoSuchRoom,
    /// The server sent something this client cannot decode: a version skew or a bug.
    Undecodable(String),
    /// The server closed for a reason retrying cannot fix (a protocol violation, or a close
    /// code this client does not retry).
    Closed {
        /// The close code.
        code: u16,
        /// The close reason.
        reason: String,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Outdated => f.write_str("This page is out of date: reload it to play."),
            Failure::InvalidName => {
                f.write_str("That name is not allowed: use letters, digits, spaces and _-.")
            }
            Failure::RoomFull => f.write_str("That room is full: watch it, or pick another."),
            Failure::NoSuchRoom => f.write_str("No room has that code: it may have closed."),
            Failure::Undecodable(e) => write!(f, "The server sent something unreadable: {e}."),
            Failure::Closed { code, reason } => match CloseReason::from_app_code(*code) {
                Some(known) => write!(f, "Disconnected: {}.", known.reason()),
                None => write!(f, "Disconnected by the server ({code} {reason})."),
            },
        }
    }
}

/// What a close with `code` means: `None` to reconnect, or the failure to stop with.
pub fn after_close(code: u16, reason: &str) -> Option<Failure> {
    match CloseReason::from_app_code(code) {
        Some(CloseReason::VersionMismatch) => Some(Failure::Outdated),
        Some(CloseReason::InvalidName) => Some(Failure::InvalidName),
        Some(CloseReason::RoomFull) => Some(Failure::RoomFull),
        Some(CloseReason::NoSuchRoom) => Some(Failure::NoSuchRoom),
        Some(known) if known.should_retry() => None,
        Some(_) => Some(Failure::Closed {
            code,
            reason: reason.to_owned(),
        }),
        // 1000 from the server, or a protocol violation: retrying would only repeat it.
        None if matches!(code, 1000 | 1002 | 1003 | 1007 | 1008 | 1009) => Some(Failure::Closed {
            code,
            reason: reason.to_owned(),
        }),
        // 1001 shutdown, 1006 dropped, 1011 server error, 1012 restart, 1013 try later.
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay_ms(0, 0.5), 500.0);
        assert_eq!(backoff.delay_ms(1, 0.5), 1000.0);
        assert_eq!(backoff.delay_ms(3, 0.5), 4000.0);
        assert_eq!(backoff.delay_ms(10, 0.5), 10_000.0);
        assert_eq!(backoff.delay_ms(0, 0.0), 375.0);
        assert_eq!(backoff.delay_ms(0, 0.999_999).round(), 625.0);
        assert_eq!(backoff.delay_ms(u32::MAX, 0.5), 10_000.0);
        assert_eq!(backoff.delay_ms(0, 7.0), 625.0, "jitter is clamped");
    }

    #[test]
    fn a_version_mismatch_asks_for_a_reload_instead_of_retrying() {
        let failure = after_close(4000, "version mismatch");
        assert_eq!(failure, Some(Failure::Outdated));
        assert!(failure.is_some_and(|f| f.to_string().contains("reload")));
    }

    #[test]
    fn dropped_connections_and_shutdowns_are_retried() {
        for code in [1001, 1006, 1011, 1012, 1013, 4001, 4004, 4005] {
            assert_eq!(after_close(code, ""), None, "code {code}");
        }
    }

    #[test]
    fn protocol_errors_are_not_retried() {
        for code in [
            1000, 1002, 1003, 1007, 1008, 1009, 4002, 4003, 4006, 4007, 4008,
        ] {
            assert!(after_close(code, "").is_some(), "code {code}");
        }
    }

    #[test]
    fn a_full_or_missing_room_says_what_to_do_instead() {
        let full = after_close(4006, "room full").map(|f| f.to_string());
        assert!(
            full.as_deref().is_some_and(|f| f.contains("watch it")),
            "{full:?}"
        );
        let missing = after_close(4008, "no room with that code").map(|f| f.to_string());
        assert!(
            missing
                .as_deref()
                .is_some_and(|f| f.contains("No room has that code")),
            "{missing:?}"
        );
    }

    #[test]
    fn other_stops_name_the_code() {
        let replaced = after_close(4007, "replaced").map(|f| f.to_string());
        assert!(
            replaced
                .as_deref()
                .is_some_and(|f| f.starts_with("Disconnected: "))
        );
        let unknown = after_close(1008, "flood").map(|f| f.to_string());
        assert_eq!(
            unknown.as_deref(),
            Some("Disconnected by the server (1008 flood).")
        );
    }
}
