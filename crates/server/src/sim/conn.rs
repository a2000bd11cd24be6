//! Both ends of one client's connection to the simulation, and the seat a player keeps
//! through a dropped connection, so rooms and seating share one idea of who is there.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering::Relaxed},
};

use bytes::Bytes;
use tickwire::ResumeToken;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The simulation's end of one client connection.
#[derive(Debug)]
pub(crate) struct Conn {
    snapshots: watch::Sender<Bytes>,
    acked: Arc<AtomicU64>,
    /// Cancelled when a newer connection takes this seat over.
    kick: CancellationToken,
}

/// The session's end of one client connection.
#[derive(Debug)]
pub(crate) struct ConnHandle {
    /// Encoded snapshots; only the latest is kept.
    pub(crate) snapshots: watch::Receiver<Bytes>,
    /// Where the session records the newest tick the client acknowledged.
    pub(crate) acked: Arc<AtomicU64>,
    /// Cancelled when a newer connection resumed this seat.
    pub(crate) kick: CancellationToken,
}

impl Conn {
    pub(crate) fn new() -> (Conn, ConnHandle) {
        let (tx, rx) = watch::channel(Bytes::new());
        let acked = Arc::new(AtomicU64::new(0));
        let kick = CancellationToken::new();
        let conn = Conn {
            snapshots: tx,
            acked: acked.clone(),
            kick: kick.clone(),
        };
        (
            conn,
            ConnHandle {
                snapshots: rx,
                acked,
                kick,
            },
        )
    }

    /// The session dropped its end.
    pub(crate) fn is_closed(&self) -> bool {
        self.snapshots.is_closed()
    }

    /// The newest tick the client acknowledged, as its session stored it.
    pub(crate) fn acked(&self) -> u64 {
        self.acked.load(Relaxed)
    }

    /// Replaces the snapshot waiting for the session with `bytes`.
    pub(crate) fn send(&self, bytes: Bytes) {
        self.snapshots.send_replace(bytes);
    }

    /// Tells the session it has been replaced.
    pub(crate) fn kick(&self) {
        self.kick.cancel();
    }
}

/// A player's place in a room, kept while it is away for the grace period.
#[derive(Debug)]
pub(crate) struct Seat {
    pub(crate) name: String,
    pub(crate) token: ResumeToken,
    /// The highest input sequence the simulation consumed from this player.
    pub(crate) ack: u32,
    /// The live connection, if any.
    pub(crate) conn: Option<Conn>,
    /// The room tick its connection went away at.
    away_since: Option<u64>,
}

impl Seat {
    pub(crate) fn new(name: String, token: ResumeToken, conn: Conn) -> Seat {
        Seat {
            name,
            token,
            ack: 0,
            conn: Some(conn),
            away_since: None,
        }
    }

    /// Hands the seat to a new connection, kicking the old one if it is still there.
    pub(crate) fn reattach(&mut self, conn: Conn) {
        if let Some(old) = self.conn.replace(conn) {
            old.kick();
        }
        self.away_since = None;
        self.ack = 0;
    }

    /// Starts the grace period at `tick` if the connection just went away; whether the
    /// grace period (`grace_ticks` long) has run out.
    pub(crate) fn expired(&mut self, tick: u64, grace_ticks: u64) -> bool {
        if self.conn.as_ref().is_some_and(Conn::is_closed) {
            self.conn = None;
            self.away_since = Some(tick);
        }
        self.away_since
            .is_some_and(|since| tick - since > grace_ticks)
    }
}
