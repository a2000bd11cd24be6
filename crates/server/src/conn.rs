//! The server's half of one connection's protocol, without I/O: what a hello must be, and
//! what each later message from the client means. The WebSocket session (`session.rs`) and
//! the in-process stepper (`testing.rs`) both drive it, so a rule checked here is checked
//! the same way on a real socket and in a test.

use std::time::Duration;

use tickwire::{
    ClientMsg, CloseReason, GameVersion, Hello, PROTOCOL_VERSION, PlayerId, Rejection, Wire, codec,
};

use crate::limit::{RateLimit, Verdict};

/// How a connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Send this close frame.
    Close(CloseReason),
    /// The client broke the protocol: count it, then send this close frame.
    Protocol(CloseReason),
    /// Send this rejection, then its close frame.
    Reject(Rejection),
    /// The peer closed or the transport failed; there is no one to tell.
    Gone,
}

/// Checks the first message: the hello it returns carries the cleaned-up name.
pub(crate) fn check_hello<G: Wire>(bytes: &[u8], max_name_chars: usize) -> Result<Hello, Exit> {
    let server_version = GameVersion {
        name: G::NAME.into(),
        version: G::VERSION,
    };
    let mismatch = || {
        Exit::Reject(Rejection::VersionMismatch {
            protocol: PROTOCOL_VERSION,
            game: server_version.clone(),
        })
    };
    if codec::peek_hello_protocol(bytes).is_some_and(|p| p != PROTOCOL_VERSION) {
        return Err(mismatch());
    }
    let hello: Hello = match codec::decode_client::<G::Input>(bytes) {
        Ok(ClientMsg::Hello(hello)) => hello,
        Ok(_) => return Err(Exit::Protocol(CloseReason::HelloExpected)),
        Err(_) => return Err(Exit::Protocol(CloseReason::Undecodable)),
    };
    if hello.game != server_version {
        return Err(mismatch());
    }
    let name =
        valid_name(&hello.name, max_name_chars).ok_or(Exit::Reject(Rejection::InvalidName))?;
    Ok(Hello { name, ..hello })
}

/// What one message from a seated client asks of the server.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Request<I> {
    /// Nothing to do: a stale input, or one over the rate (dropped and counted).
    Nothing {
        /// Whether it was dropped for the rate.
        dropped: bool,
    },
    /// An input for the simulation.
    Input {
        /// The player it is from.
        player: PlayerId,
        /// Its sequence number, above every earlier one.
        seq: u32,
        /// The input.
        input: I,
    },
    /// The client holds this tick.
    Ack(u64),
    /// Answer with a pong echoing `sent_ms`.
    Ping(u32),
    /// The player leaves: free its seat now (if it has one) and close normally.
    Leave(Option<PlayerId>),
    /// End the connection.
    Exit(Exit),
}

/// A seated connection's protocol state: who it plays (spectators play no one), the last
/// input sequence accepted, and the rate limit.
#[derive(Debug)]
pub(crate) struct Seated {
    player: Option<PlayerId>,
    last_seq: u32,
    limit: RateLimit,
}

impl Seated {
    pub(crate) fn new(player: Option<PlayerId>, limit: RateLimit) -> Self {
        Seated {
            player,
            last_seq: 0,
            limit,
        }
    }

    /// What the message `bytes`, arriving `elapsed` into the connection, asks for.
    pub(crate) fn on_message<G: Wire>(
        &mut self,
        bytes: &[u8],
        elapsed: Duration,
    ) -> Request<G::Input> {
        match self.limit.check(elapsed) {
            Verdict::Allow => {}
            Verdict::Drop => return Request::Nothing { dropped: true },
            Verdict::Flood => return Request::Exit(Exit::Protocol(CloseReason::InputFlood)),
        }
        match codec::decode_client::<G::Input>(bytes) {
            Ok(ClientMsg::Input { .. }) if self.player.is_none() => {
                Request::Exit(Exit::Protocol(CloseReason::SpectatorInput))
            }
            Ok(ClientMsg::Input { seq, input }) if seq > self.last_seq => {
                self.last_seq = seq;
                match self.player {
                    Some(player) => Request::Input { player, seq, input },
                    None => Request::Nothing { dropped: false },
                }
            }
            // A stale or repeated sequence number.
            Ok(ClientMsg::Input { .. }) => Request::Nothing { dropped: false },
            Ok(ClientMsg::Leave) => Request::Leave(self.player),
            Ok(ClientMsg::Ack { tick }) => Request::Ack(tick),
            Ok(ClientMsg::Ping { sent_ms }) => Request::Ping(sent_ms),
            Ok(ClientMsg::Hello(_)) => Request::Exit(Exit::Protocol(CloseReason::HelloExpected)),
            Err(_) => Request::Exit(Exit::Protocol(CloseReason::Undecodable)),
        }
    }
}

/// The name to use for `raw`, or `None` if it is not acceptable: at most `max_chars`
/// characters of letters, digits, spaces and `_-.`, trimmed. An empty name becomes "player".
pub(crate) fn valid_name(raw: &str, max_chars: usize) -> Option<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Some("player".to_owned());
    }
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.');
    (name.chars().count() <= max_chars && name.chars().all(allowed)).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(valid_name("  ann ", 16).as_deref(), Some("ann"));
        assert_eq!(valid_name("", 16).as_deref(), Some("player"));
        assert_eq!(
            valid_name("Zoë-2.b_c d", 16).as_deref(),
            Some("Zoë-2.b_c d")
        );
        assert_eq!(valid_name("seventeen chars!!", 16), None);
        assert_eq!(valid_name("a\u{202e}b", 16), None, "no bidi overrides");
        assert_eq!(valid_name("<script>", 16), None);
        assert_eq!(valid_name(&"x".repeat(17), 16), None);
    }
}
