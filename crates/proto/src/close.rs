//! WebSocket close codes and reasons used by the toolkit, so that server and clients agree on
//! what each code means and whether a client should retry.

/// Every reason the toolkit closes a connection, with its RFC 6455 or application code.
///
/// Codes 1000–1009 are from RFC 6455 section 7.4.1; 4000–4999 are reserved for applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// 1000: the session ended normally (the client left).
    Normal,
    /// 1001: the server is shutting down.
    Shutdown,
    /// 1002: a binary message did not decode.
    Undecodable,
    /// 1002: a frame broke RFC 6455 (bad opcode, reserved bits, unmasked frame).
    BadFrame,
    /// 1003: a text frame; the protocol is binary only.
    TextFrame,
    /// 1008: a message other than hello arrived before hello, or hello arrived twice.
    HelloExpected,
    /// 1008: inputs arrived faster than the configured rate for too long.
    InputFlood,
    /// 1009: a message or frame exceeded the configured size.
    TooBig,
    /// 4000: protocol or game version mismatch; reload the client.
    VersionMismatch,
    /// 4001: no room could take another player.
    ServerFull,
    /// 4002: the player name was rejected.
    InvalidName,
    /// 4003: no hello arrived within the handshake timeout.
    HelloTimeout,
    /// 4004: the peer sent nothing, not even a pong, within the idle timeout.
    IdleTimeout,
    /// 4005: the peer could not keep up with the snapshot stream.
    TooSlow,
    /// 4006: the room asked for is full.
    RoomFull,
    /// 4007: a newer connection resumed this seat.
    Replaced,
    /// 4008: no room has the code asked for.
    NoSuchRoom,
    /// 1008: a spectator sent an input.
    SpectatorInput,
}

impl CloseReason {
    /// Every reason, for tables and tests.
    pub const ALL: [CloseReason; 18] = [
        CloseReason::Normal,
        CloseReason::Shutdown,
        CloseReason::Undecodable,
        CloseReason::BadFrame,
        CloseReason::TextFrame,
        CloseReason::HelloExpected,
        CloseReason::InputFlood,
        CloseReason::TooBig,
        CloseReason::VersionMismatch,
        CloseReason::ServerFull,
        CloseReason::InvalidName,
        CloseReason::HelloTimeout,
        CloseReason::IdleTimeout,
        CloseReason::TooSlow,
        CloseReason::RoomFull,
        CloseReason::Replaced,
        CloseReason::NoSuchRoom,
        CloseReason::SpectatorInput,
    ];

    /// The close code sent on the wire.
    pub fn code(self) -> u16 {
        match self {
            CloseReason::Normal => 1000,
            CloseReason::Shutdown => 1001,
            CloseReason::Undecodable | CloseReason::BadFrame => 1002,
            CloseReason::TextFrame => 1003,
            CloseReason::HelloExpected | CloseReason::InputFlood | CloseReason::SpectatorInput => {
                1008
            }
            CloseReason::TooBig => 1009,
            CloseReason::VersionMismatch => 4000,
            CloseReason::ServerFull => 4001,
            CloseReason::InvalidName => 4002,
            CloseReason::HelloTimeout => 4003,
            CloseReason::IdleTimeout => 4004,
            CloseReason::TooSlow => 4005,
            CloseReason::RoomFull => 4006,
            CloseReason::Replaced => 4007,
            CloseReason::NoSuchRoom => 4008,
        }
    }

    /// The human-readable reason sent with the code (well under the 123-byte limit).
    pub fn reason(self) -> &'static str {
        match self {
            CloseReason::Normal => "goodbye",
            CloseReason::Shutdown => "server shutting down",
            CloseReason::Undecodable => "undecodable message",
            CloseReason::BadFrame => "websocket protocol violation",
            CloseReason::TextFrame => "binary frames only",
            CloseReason::HelloExpected => "hello must be the first and only hello",
            CloseReason::InputFlood => "input rate exceeded",
            CloseReason::TooBig => "message too big",
            CloseReason::VersionMismatch => "version mismatch: reload the page",
            CloseReason::ServerFull => "server full",
            CloseReason::InvalidName => "invalid player name",
            CloseReason::HelloTimeout => "no hello in time",
            CloseReason::IdleTimeout => "idle timeout",
            CloseReason::TooSlow => "client too slow to keep up",
            CloseReason::RoomFull => "room full",
            CloseReason::Replaced => "replaced by a newer connection",
            CloseReason::NoSuchRoom => "no room with that code",
            CloseReason::SpectatorInput => "spectators cannot send inputs",
        }
    }

    /// Whether a client that received this close should reconnect on its own. Policy and
    /// version problems will not fix themselves by retrying.
    pub fn should_retry(self) -> bool {
        matches!(
            self,
            CloseReason::Shutdown
                | CloseReason::ServerFull
                | CloseReason::IdleTimeout
                | CloseReason::TooSlow
        )
    }

    /// The reason for an application code (4000–4999) this toolkit defines. RFC codes are
    /// shared by several reasons, so they do not map back.
    pub fn from_app_code(code: u16) -> Option<CloseReason> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code && code >= 4000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fit_in_a_close_frame() {
        for r in CloseReason::ALL {
            assert!(r.reason().len() <= 123, "{r:?}");
        }
    }

    #[test]
    fn app_codes_map_back_to_their_reason() {
        for r in CloseReason::ALL.into_iter().filter(|r| r.code() >= 4000) {
            assert_eq!(CloseReason::from_app_code(r.code()), Some(r));
        }
        assert_eq!(CloseReason::from_app_code(1002), None);
    }
}
