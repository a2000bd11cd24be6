//! Every limit and timing of the server in one place, each settable by flag and environment
//! variable, so that no untrusted quantity goes unbounded and no timing is hidden in code.

#[cfg(any(feature = "www", feature = "tls"))]
use std::path::PathBuf;
use std::time::Duration;

/// Server configuration. [`Config::default`] gives the documented defaults. With the `cli`
/// feature it is a set of clap arguments: every field a `--flag` and a `GAME_*` environment
/// variable. The fields for results files, TLS and the browser client exist with the
/// `sqlite`, `tls` and `www` features.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Config {
    /// Directory of the built browser client, served at `/`. Defaults to the game's own; a
    /// server given none serves no client.
    #[cfg(feature = "www")]
    #[cfg_attr(feature = "cli", arg(long = "www", env = "GAME_WWW"))]
    pub www: Option<PathBuf>,

    /// Simulation ticks per second for every room. Defaults to the game's own rate.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_TICK_RATE"))]
    pub tick_rate: Option<u16>,

    /// Players per room. Defaults to the game's own capacity. When every room is full a new
    /// one opens.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_ROOM_CAPACITY"))]
    pub room_capacity: Option<u16>,

    /// The most rooms this process runs at once; joins beyond them get close code 4001.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MAX_ROOMS", default_value_t = 1_000)
    )]
    pub max_rooms: usize,

    /// The most TCP connections (HTTP and WebSocket) served at once; more are refused at
    /// accept.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MAX_CONNECTIONS", default_value_t = 10_000)
    )]
    pub max_connections: usize,

    /// The most TCP connections open at once from one IP address; more are refused at
    /// accept. Raise it for load tests from one machine.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MAX_CONNECTIONS_PER_IP", default_value_t = 64)
    )]
    pub max_connections_per_ip: usize,

    /// Browser origins (like `https://play.example.com`) allowed to open the game's
    /// WebSocket, besides pages served from this server's own host name; `*` allows any.
    /// Clients that send no `Origin` header (native clients, bots) are always allowed.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_ALLOWED_ORIGINS", value_delimiter = ',')
    )]
    pub allowed_origins: Vec<String>,

    /// The kernel send buffer of each connection, in bytes: with the write buffer and the
    /// one pending snapshot it bounds what a stalled reader can hold.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_SOCKET_SEND_BUFFER", default_value_t = 64 * 1024))]
    pub socket_send_buffer: usize,

    /// The largest WebSocket message or frame a client may send, in bytes; larger ones get
    /// close code 1009.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MAX_MESSAGE_BYTES", default_value_t = 1_024)
    )]
    pub max_message_bytes: usize,

    /// The longest player name, in characters. Names may hold letters, digits, spaces and
    /// `_-.`; others get close code 4002.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MAX_NAME_CHARS", default_value_t = 16)
    )]
    pub max_name_chars: usize,

    /// Time allowed from accepting TCP to the end of the HTTP request head, and again from
    /// the WebSocket upgrade to the hello message (close code 4003).
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_HANDSHAKE_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration))]
    pub handshake_timeout: Duration,

    /// How often the server sends a WebSocket ping to each peer.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_PING_INTERVAL", default_value = "5s", value_parser = humantime::parse_duration))]
    pub ping_interval: Duration,

    /// A peer that sends nothing, not even a pong, for this long is closed with 4004.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_IDLE_TIMEOUT", default_value = "15s", value_parser = humantime::parse_duration))]
    pub idle_timeout: Duration,

    /// The longest one batch of outgoing frames may take to reach the socket; a peer that
    /// reads slower is closed with 4005.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_SEND_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration))]
    pub send_timeout: Duration,

    /// After sending a close frame, how long to wait for the peer's close before dropping
    /// the TCP connection.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_CLOSE_TIMEOUT", default_value = "2s", value_parser = humantime::parse_duration))]
    pub close_timeout: Duration,

    /// On shutdown, how long to wait for sessions to close before exiting anyway.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_SHUTDOWN_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration))]
    pub shutdown_timeout: Duration,

    /// Sustained messages per second a client may send: inputs, snapshot acknowledgements
    /// (one per tick) and pings together.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_INPUT_RATE", default_value_t = 60)
    )]
    pub input_rate: u32,

    /// Messages a client may send in a burst above the sustained rate.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_INPUT_BURST", default_value_t = 20)
    )]
    pub input_burst: u32,

    /// Messages over the rate that are dropped before the client is closed with 1008; this
    /// allowance refills at the sustained rate.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_INPUT_FLOOD_TOLERANCE", default_value_t = 60)
    )]
    pub input_flood_tolerance: u32,

    /// Capacity of the queue carrying joins and inputs to the simulation thread. Inputs
    /// that find it full are dropped and counted.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_SIM_QUEUE", default_value_t = 8_192)
    )]
    pub sim_queue: usize,

    /// The oldest acknowledged state a snapshot delta may be based on, in ticks (at most
    /// 64). Clients whose newest acknowledgement is older get a full snapshot. 0 sends only
    /// full snapshots.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_DELTA_MAX_AGE", default_value_t = 32)
    )]
    pub delta_max_age: u64,

    /// Rooms are spread over this many evenly spaced slots of the tick period, so their
    /// snapshots leave in small bursts rather than all at once. Each room still ticks once
    /// per period. 1 ticks every room together.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_TICK_PHASES", default_value_t = 8)
    )]
    pub tick_phases: u32,

    /// The results database (SQLite); `:memory:` keeps results in memory while the server
    /// runs (its last 10,000 rounds). Defaults to the game's own; a server given none keeps
    /// results in memory.
    #[cfg(feature = "sqlite")]
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_DB"))]
    pub db: Option<String>,

    /// Players needed in a room before a round counts down.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MIN_PLAYERS", default_value_t = 2)
    )]
    pub min_players: usize,

    /// The countdown before a round, during which the world is frozen.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_COUNTDOWN", default_value = "3s", value_parser = humantime::parse_duration))]
    pub countdown: Duration,

    /// How long a round lasts.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_ROUND_LENGTH", default_value = "2m", value_parser = humantime::parse_duration))]
    pub round_length: Duration,

    /// How long the results are shown before the next countdown.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_RESULTS_TIME", default_value = "5s", value_parser = humantime::parse_duration))]
    pub results_time: Duration,

    /// How long a dropped player's seat (and its place in the game) waits for it to reconnect.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_RECONNECT_GRACE", default_value = "15s", value_parser = humantime::parse_duration))]
    pub reconnect_grace: Duration,

    /// On shutdown, how long running rounds may take to finish before they are ended (and
    /// recorded) early.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_DRAIN_TIMEOUT", default_value = "150s", value_parser = humantime::parse_duration))]
    pub drain_timeout: Duration,

    /// Spectators per room.
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_MAX_SPECTATORS", default_value_t = 32)
    )]
    pub max_spectators: usize,

    /// A PEM certificate chain: with `--tls-key`, the server speaks https and wss itself.
    #[cfg(feature = "tls")]
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_TLS_CERT", requires = "tls_key")
    )]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key for `--tls-cert`.
    #[cfg(feature = "tls")]
    #[cfg_attr(
        feature = "cli",
        arg(long, env = "GAME_TLS_KEY", requires = "tls_cert")
    )]
    pub tls_key: Option<PathBuf>,

    /// Seed for room randomness; rooms derive their own seeds from it. Random if unset.
    #[cfg_attr(feature = "cli", arg(long, env = "GAME_SEED"))]
    pub seed: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            #[cfg(feature = "www")]
            www: None,
            tick_rate: None,
            room_capacity: None,
            max_rooms: 1_000,
            max_connections: 10_000,
            max_connections_per_ip: 64,
            allowed_origins: Vec::new(),
            socket_send_buffer: 64 * 1024,
            max_message_bytes: 1_024,
            max_name_chars: 16,
            handshake_timeout: Duration::from_secs(5),
            ping_interval: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(15),
            send_timeout: Duration::from_secs(5),
            close_timeout: Duration::from_secs(2),
            shutdown_timeout: Duration::from_secs(5),
            input_rate: 60,
            input_burst: 20,
            input_flood_tolerance: 60,
            sim_queue: 8_192,
            delta_max_age: 32,
            tick_phases: 8,
            #[cfg(feature = "sqlite")]
            db: None,
            min_players: 2,
            countdown: Duration::from_secs(3),
            round_length: Duration::from_secs(120),
            results_time: Duration::from_secs(5),
            reconnect_grace: Duration::from_secs(15),
            drain_timeout: Duration::from_secs(150),
            max_spectators: 32,
            #[cfg(feature = "tls")]
            tls_cert: None,
            #[cfg(feature = "tls")]
            tls_key: None,
            seed: None,
        }
    }
}

/// A configuration value that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {field} {problem}")]
pub struct ConfigError {
    /// The offending field.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl Config {
    /// The same configuration with results kept in memory (bounded), for tests and
    /// throwaway servers.
    pub fn in_memory(self) -> Config {
        Config {
            #[cfg(feature = "sqlite")]
            db: Some(crate::store::IN_MEMORY.into()),
            ..self
        }
    }

    /// Round timings in ticks at `tick_rate`.
    pub(crate) fn match_rules(&self, tick_rate: u16) -> crate::sim::MatchRules {
        let ticks = |d: Duration| (d.as_secs_f64() * f64::from(tick_rate)).ceil() as u64;
        let ticks32 = |d: Duration| u32::try_from(ticks(d)).unwrap_or(u32::MAX);
        crate::sim::MatchRules {
            min_players: self.min_players,
            countdown_ticks: ticks32(self.countdown),
            round_ticks: ticks32(self.round_length),
            results_ticks: ticks32(self.results_time),
            grace_ticks: ticks(self.reconnect_grace),
            tick_rate,
        }
    }

    /// Checks that every value can work, so that the server fails at start rather than
    /// later.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let positive = [
            ("tick_rate", self.tick_rate.map_or(1, usize::from)),
            ("room_capacity", self.room_capacity.map_or(1, usize::from)),
            ("max_rooms", self.max_rooms),
            ("max_connections", self.max_connections),
            ("max_connections_per_ip", self.max_connections_per_ip),
            ("socket_send_buffer", self.socket_send_buffer),
            ("max_name_chars", self.max_name_chars),
            ("input_rate", self.input_rate as usize),
            ("input_burst", self.input_burst as usize),
            ("sim_queue", self.sim_queue),
            ("tick_phases", self.tick_phases as usize),
        ];
        if let Some((field, _)) = positive.into_iter().find(|(_, v)| *v == 0) {
            return Err(ConfigError {
                field,
                problem: "must be positive",
            });
        }
        if self.max_message_bytes < 64
            || self.max_message_bytes > tickwire::codec::CLIENT_DECODE_LIMIT
        {
            return Err(ConfigError {
                field: "max_message_bytes",
                problem: "must be between 64 and tickwire::codec::CLIENT_DECODE_LIMIT",
            });
        }
        if self.delta_max_age > tickwire::delta::MAX_BASELINE_AGE {
            return Err(ConfigError {
                field: "delta_max_age",
                problem: "must be at most tickwire::delta::MAX_BASELINE_AGE (64)",
            });
        }
        let durations = [
            ("handshake_timeout", self.handshake_timeout),
            ("ping_interval", self.ping_interval),
            ("idle_timeout", self.idle_timeout),
            ("send_timeout", self.send_timeout),
            ("close_timeout", self.close_timeout),
            ("round_length", self.round_length),
        ];
        if let Some((field, _)) = durations.into_iter().find(|(_, d)| d.is_zero()) {
            return Err(ConfigError {
                field,
                problem: "must be longer than zero",
            });
        }
        #[cfg(feature = "tls")]
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError {
                field: "tls_cert",
                problem: "and tls_key go together: give both or neither",
            });
        }
        if self.idle_timeout <= self.ping_interval {
            return Err(ConfigError {
                field: "idle_timeout",
                problem: "must be longer than ping_interval, or live peers would time out",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn an_idle_timeout_shorter_than_the_ping_interval_is_refused() {
        let config = Config {
            idle_timeout: Duration::from_secs(1),
            ..Config::default()
        };
        assert_eq!(config.validate().unwrap_err().field, "idle_timeout");
    }

    #[cfg(feature = "cli")]
    #[test]
    fn clap_defaults_match_config_defaults() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            config: Config,
        }
        let parsed = <Cli as clap::Parser>::try_parse_from(["server"])
            .unwrap()
            .config;
        assert_eq!(format!("{parsed:?}"), format!("{:?}", Config::default()));
    }
}
