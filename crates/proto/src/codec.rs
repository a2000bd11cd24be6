//! The one place that knows the wire encoding: bincode 2 in its standard configuration, over
//! serde, always decoding with a byte limit. Nothing outside this module names bincode.
//!
//! The limits here bound what one message may make the decoder allocate. They are compile
//! time constants because bincode takes its limit as a type; the much smaller per-connection
//! message size the server accepts is runtime configuration enforced at the socket.

use bincode::config::{Config, standard};
use std::fmt::Debug;

use serde::{Serialize, de::DeserializeOwned};

use crate::protocol::{ClientMsg, ServerMsg};

/// What a type needs to cross the wire and move between threads.
pub trait Message: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static {}

impl<T> Message for T where T: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static {}

/// The most a client message may make the server allocate while decoding it, in bytes.
pub const CLIENT_DECODE_LIMIT: usize = 64 * 1024;

/// The most a server message may make a client allocate while decoding it, in bytes.
pub const SERVER_DECODE_LIMIT: usize = 4 * 1024 * 1024;

/// A message failed to encode or decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The value cannot be represented (for example a sequence without a known length).
    #[error("cannot encode message: {0}")]
    Encode(String),
    /// The bytes are not a valid message, or would exceed the decode limit.
    #[error("undecodable message: {0}")]
    Decode(String),
    /// A valid message was followed by extra bytes.
    #[error("message followed by {extra} trailing bytes")]
    TrailingBytes {
        /// How many bytes were left over.
        extra: usize,
    },
}

/// Encodes any wire value.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut buf = Vec::new();
    encode_into(value, &mut buf)?;
    Ok(buf)
}

/// Encodes any wire value, appending to `buf` so callers can reuse an allocation.
pub fn encode_into<T: Serialize + ?Sized>(value: &T, buf: &mut Vec<u8>) -> Result<(), CodecError> {
    bincode::serde::encode_into_std_write(value, buf, standard())
        .map(|_| ())
        .map_err(|e| CodecError::Encode(e.to_string()))
}

/// Decodes a client-to-server message, allocating at most [`CLIENT_DECODE_LIMIT`] bytes.
pub fn decode_client<I: DeserializeOwned>(bytes: &[u8]) -> Result<ClientMsg<I>, CodecError> {
    decode_exact(bytes, standard().with_limit::<CLIENT_DECODE_LIMIT>())
}

/// Decodes a server-to-client message, allocating at most [`SERVER_DECODE_LIMIT`] bytes.
pub fn decode_server<S: DeserializeOwned, D: DeserializeOwned>(
    bytes: &[u8],
) -> Result<ServerMsg<S, D>, CodecError> {
    decode_exact(bytes, standard().with_limit::<SERVER_DECODE_LIMIT>())
}

/// Decodes any wire value with the same limit as a server message. For game types and
/// tests; connection code uses [`decode_client`] and [`decode_server`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    decode_exact(bytes, standard().with_limit::<SERVER_DECODE_LIMIT>())
}

/// Reads the protocol version from the start of a [`crate::Hello`] without decoding the rest,
/// so that a client from another version gets a version-mismatch rejection rather than a
/// decode error. Returns `None` if the bytes do not start like a hello.
pub fn peek_hello_protocol(bytes: &[u8]) -> Option<u16> {
    // `ClientMsg::Hello` is variant 0 and `Hello::protocol` its first field; the standard
    // configuration writes both as varints.
    let config = standard().with_limit::<16>();
    let ((variant, protocol), _): ((u32, u16), usize) =
        bincode::serde::decode_from_slice(bytes, config).ok()?;
    (variant == 0).then_some(protocol)
}

fn decode_exact<T: DeserializeOwned, C: Config>(bytes: &[u8], config: C) -> Result<T, CodecError> {
    let (value, used) = bincode::serde::decode_from_slice(bytes, config)
        .map_err(|e| CodecError::Decode(e.to_string()))?;
    match bytes.len() - used {
        0 => Ok(value),
        extra => Err(CodecError::TrailingBytes { extra }),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The longest `Vec<u8>` input (in a client message's `Input`) that decodes within the
    /// client limit, found by bisection, and so the exact size of the limit.
    fn longest_input_within_the_client_limit() -> usize {
        let fits = |len: usize| {
            let msg = ClientMsg::Input {
                seq: 1,
                input: vec![7u8; len],
            };
            decode_client::<Vec<u8>>(&encode(&msg).unwrap()).is_ok()
        };
        let (mut ok, mut too_long) = (0, CLIENT_DECODE_LIMIT * 2);
        while too_long - ok > 1 {
            let mid = (ok + too_long) / 2;
            if fits(mid) { ok = mid } else { too_long = mid }
        }
        ok
    }

    #[test]
    fn a_client_message_just_under_the_limit_decodes_and_one_over_does_not() {
        let longest = longest_input_within_the_client_limit();
        assert!(
            (65_536 - 16..=65_536).contains(&longest),
            "the limit is 64 KiB of decoded bytes: {longest}"
        );
    }

    #[test]
    fn a_server_message_just_under_the_limit_decodes_and_one_over_does_not() {
        let snapshot = |len: usize| {
            ServerMsg::<Vec<u8>, ()>::Snapshot(crate::Snapshot {
                tick: 1,
                ack: 0,
                phase: crate::MatchPhase::Waiting { needed: 0 },
                body: crate::Body::Full(vec![1u8; len]),
            })
        };
        // 4 MiB of decoded bytes.
        const FOUR_MIB: usize = 4 * 1024 * 1024;
        let under = encode(&snapshot(FOUR_MIB - 64)).unwrap();
        assert!(decode_server::<Vec<u8>, ()>(&under).is_ok());
        let over = encode(&snapshot(FOUR_MIB)).unwrap();
        assert!(decode_server::<Vec<u8>, ()>(&over).is_err());
        // Plain values share the server's limit.
        assert!(decode::<Vec<u8>>(&encode(&vec![1u8; FOUR_MIB - 64]).unwrap()).is_ok());
        assert!(decode::<Vec<u8>>(&encode(&vec![1u8; FOUR_MIB]).unwrap()).is_err());
    }

    use super::*;
    use crate::protocol::{
        Body, GameVersion, Hello, MatchPhase, PROTOCOL_VERSION, PlayerId, Rejection, Role, RoomId,
        Snapshot, Welcome,
    };

    fn hello(protocol: u16, name: &str) -> ClientMsg<u8> {
        ClientMsg::Hello(Hello {
            protocol,
            game: GameVersion {
                name: "test".into(),
                version: 3,
            },
            name: name.into(),
            resume: Some(crate::ResumeToken([9; 16])),
            join: crate::Join::Room("ABCD".into()),
        })
    }

    #[test]
    fn client_messages_round_trip() {
        for msg in [
            hello(PROTOCOL_VERSION, "ann"),
            ClientMsg::Input { seq: 7, input: 2 },
            ClientMsg::Leave,
        ] {
            let bytes = encode(&msg).unwrap();
            assert_eq!(decode_client::<u8>(&bytes).unwrap(), msg);
        }
    }

    #[test]
    fn server_messages_round_trip() {
        let msgs: [ServerMsg<Vec<u16>, i8>; 5] = [
            ServerMsg::Welcome(Welcome {
                role: Role::Player(PlayerId(4)),
                room: RoomId(1),
                code: "Q7XK".into(),
                private: false,
                tick_rate: 15,
                resume: Some(crate::ResumeToken([1; 16])),
                resumed: false,
            }),
            ServerMsg::Snapshot(Snapshot {
                tick: 99,
                ack: 3,
                phase: MatchPhase::Running { ticks_left: 900 },
                body: Body::Full(vec![1, 2, 300]),
            }),
            ServerMsg::Snapshot(Snapshot {
                tick: 100,
                ack: 3,
                phase: MatchPhase::Ended {
                    ticks_left: 3,
                    winner: Some(PlayerId(4)),
                },
                body: Body::Delta { age: 1, delta: -4 },
            }),
            ServerMsg::Pong {
                sent_ms: 7,
                server_ms: 1 << 40,
            },
            ServerMsg::Reject(Rejection::VersionMismatch {
                protocol: 1,
                game: GameVersion {
                    name: "x".into(),
                    version: 2,
                },
            }),
        ];
        for msg in msgs {
            let bytes = encode(&msg).unwrap();
            assert_eq!(decode_server::<Vec<u16>, i8>(&bytes).unwrap(), msg);
        }
    }

    #[test]
    fn an_input_is_a_few_bytes() {
        let bytes = encode(&ClientMsg::Input {
            seq: 1000,
            input: 3u8,
        })
        .unwrap();
        assert!(bytes.len() <= 5, "{} bytes", bytes.len());
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        let mut bytes = encode(&ClientMsg::<u8>::Leave).unwrap();
        bytes.push(0);
        assert_eq!(
            decode_client::<u8>(&bytes),
            Err(CodecError::TrailingBytes { extra: 1 })
        );
    }

    #[test]
    fn a_huge_length_prefix_is_refused_without_allocating() {
        // Input whose payload claims a vector of 2^32 - 1 elements of u64.
        let mut bytes = encode(&ClientMsg::<Vec<u64>>::Input {
            seq: 1,
            input: vec![],
        })
        .unwrap();
        bytes.pop();
        bytes.extend_from_slice(&[0xfc, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(
            decode_client::<Vec<u64>>(&bytes),
            Err(CodecError::Decode(_))
        ));
    }

    #[test]
    fn hello_protocol_is_readable_from_any_version() {
        let bytes = encode(&hello(PROTOCOL_VERSION + 41, "zed")).unwrap();
        assert_eq!(peek_hello_protocol(&bytes), Some(PROTOCOL_VERSION + 41));
        let input = encode(&ClientMsg::Input { seq: 1, input: 0u8 }).unwrap();
        assert_eq!(peek_hello_protocol(&input), None);
        assert_eq!(peek_hello_protocol(&[]), None);
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-zA-Z0-9 _.ü-]{0,12}",
            any::<String>()
        ]
    }

    fn token() -> impl Strategy<Value = Option<crate::ResumeToken>> {
        prop::option::of(any::<[u8; 16]>().prop_map(crate::ResumeToken))
    }

    fn game_version() -> impl Strategy<Value = GameVersion> {
        (text(), any::<u16>()).prop_map(|(name, version)| GameVersion { name, version })
    }

    fn join() -> impl Strategy<Value = crate::Join> {
        prop_oneof![
            Just(crate::Join::Quick),
            text().prop_map(crate::Join::Room),
            Just(crate::Join::NewPrivate),
            text().prop_map(crate::Join::Watch),
        ]
    }

    /// Every variant of [`ClientMsg`], with any field values.
    fn client_msg() -> impl Strategy<Value = ClientMsg<(u8, i16)>> {
        prop_oneof![
            (any::<u16>(), game_version(), text(), token(), join()).prop_map(
                |(protocol, game, name, resume, join)| ClientMsg::Hello(Hello {
                    protocol,
                    game,
                    name,
                    resume,
                    join,
                })
            ),
            (any::<u32>(), any::<(u8, i16)>())
                .prop_map(|(seq, input)| ClientMsg::Input { seq, input }),
            Just(ClientMsg::Leave),
            any::<u64>().prop_map(|tick| ClientMsg::Ack { tick }),
            any::<u32>().prop_map(|sent_ms| ClientMsg::Ping { sent_ms }),
        ]
    }

    fn player() -> impl Strategy<Value = PlayerId> {
        any::<u32>().prop_map(PlayerId)
    }

    fn phase() -> impl Strategy<Value = MatchPhase> {
        prop_oneof![
            any::<u8>().prop_map(|needed| MatchPhase::Waiting { needed }),
            any::<u32>().prop_map(|ticks_left| MatchPhase::Countdown { ticks_left }),
            any::<u32>().prop_map(|ticks_left| MatchPhase::Running { ticks_left }),
            (any::<u32>(), prop::option::of(player()))
                .prop_map(|(ticks_left, winner)| MatchPhase::Ended { ticks_left, winner }),
        ]
    }

    fn rejection() -> impl Strategy<Value = Rejection> {
        prop_oneof![
            (any::<u16>(), game_version())
                .prop_map(|(protocol, game)| Rejection::VersionMismatch { protocol, game }),
            Just(Rejection::ServerFull),
            Just(Rejection::InvalidName),
            Just(Rejection::RoomFull),
            Just(Rejection::NoSuchRoom),
            Just(Rejection::Draining),
        ]
    }

    /// Every variant of [`ServerMsg`] (and of its bodies and phases), with any field values.
    fn server_msg() -> impl Strategy<Value = ServerMsg<Vec<u16>, i8>> {
        let welcome = (
            prop_oneof![player().prop_map(Role::Player), Just(Role::Spectator)],
            any::<u32>(),
            text(),
            any::<bool>(),
            any::<u16>(),
            token(),
            any::<bool>(),
        )
            .prop_map(|(role, room, code, private, tick_rate, resume, resumed)| {
                ServerMsg::Welcome(Welcome {
                    role,
                    room: RoomId(room),
                    code,
                    private,
                    tick_rate,
                    resume,
                    resumed,
                })
            });
        let body = prop_oneof![
            prop::collection::vec(any::<u16>(), 0..8).prop_map(Body::Full),
            (any::<u8>(), any::<i8>()).prop_map(|(age, delta)| Body::Delta { age, delta }),
        ];
        let snapshot =
            (any::<u64>(), any::<u32>(), phase(), body).prop_map(|(tick, ack, phase, body)| {
                ServerMsg::Snapshot(Snapshot {
                    tick,
                    ack,
                    phase,
                    body,
                })
            });
        prop_oneof![
            welcome,
            snapshot,
            rejection().prop_map(ServerMsg::Reject),
            (any::<u32>(), any::<u64>())
                .prop_map(|(sent_ms, server_ms)| ServerMsg::Pong { sent_ms, server_ms }),
        ]
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode_client::<(u8, String, Vec<u32>)>(&bytes);
            let _ = decode_server::<Vec<(u8, u8)>, Vec<u16>>(&bytes);
            let _ = peek_hello_protocol(&bytes);
        }

        #[test]
        fn any_client_message_round_trips(msg in client_msg()) {
            let bytes = encode(&msg).unwrap();
            if let ClientMsg::Hello(hello) = &msg {
                prop_assert_eq!(peek_hello_protocol(&bytes), Some(hello.protocol));
            }
            prop_assert_eq!(decode_client::<(u8, i16)>(&bytes).unwrap(), msg);
        }

        #[test]
        fn any_server_message_round_trips(msg in server_msg()) {
            let bytes = encode(&msg).unwrap();
            prop_assert_eq!(decode_server::<Vec<u16>, i8>(&bytes).unwrap(), msg);
        }

        #[test]
        fn a_truncated_message_is_refused_not_misread(msg in server_msg(), cut in any::<prop::sample::Index>()) {
            let bytes = encode(&msg).unwrap();
            let cut = cut.index(bytes.len());
            prop_assert!(decode_server::<Vec<u16>, i8>(&bytes[..cut]).is_err());
        }
    }
}
