//! The simulation: every room's `World` and `Schedule`, stepped on one fixed-rate clock on
//! its own thread, fed by a bounded command queue, publishing each client's snapshot
//! through a latest-value channel.
//!
//! Nothing here is async and nothing here locks: sessions talk to the simulation only through
//! [`Command`]s in, and `watch` channels out. A session that disappears drops its snapshot
//! receiver; the next tick notices, keeps the seat for the grace period so the player can
//! resume, then removes it, so leaving needs no message that could be lost.
//!
//! This file holds what the rest of the server sees ([`Command`], [`Seated`], [`SimLimits`])
//! and the [`Sim`] itself; its jobs live in the child modules, which use this file's items
//! and never each other in a circle:
//! - `thread`: the loop, the tick, commands, draining and recording results;
//! - `seats`: seating players and spectators, resuming and leaving;
//! - `lobby`: opening and closing rooms, their codes and seeds, and the public room list;
//! - `room`: one room, stepped one tick at a time; `round`: its phase machine;
//! - `conn`: both ends of one client's connection, and a player's seat.

mod conn;
mod lobby;
mod room;
mod round;
mod seats;
mod thread;

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use tickwire::{Join, PlayerId, Rejection, ResumeToken, RoomId, Welcome, api::RoomInfo};
use tickwire_game::{Game, RoomSettings};
use tokio::sync::{oneshot, watch};

use self::room::Room;
pub(crate) use self::{conn::ConnHandle, round::MatchRules};
use crate::{metrics::Metrics, store::Store};

/// A request from a session (or the server) to the simulation.
#[derive(Debug)]
pub(crate) enum Command<I> {
    /// Seat a client in a room.
    Join {
        /// The validated display name.
        name: String,
        /// Where it wants to be.
        join: Join,
        /// A token from an earlier welcome, to reclaim that seat.
        resume: Option<ResumeToken>,
        /// Where the seat, or the reason there is none, is sent.
        reply: oneshot::Sender<Result<Seated, Rejection>>,
    },
    /// One input from a seated player.
    Input {
        player: PlayerId,
        seq: u32,
        input: I,
    },
    /// The player said goodbye: free its seat now rather than after the grace period.
    Leave { player: PlayerId },
    /// Take no one new and start no new round; answer once no round is running.
    Drain { done: oneshot::Sender<()> },
    /// End every running round now, recording it; answer when done.
    EndRounds { done: oneshot::Sender<()> },
}

/// A client's place, as handed to its session.
#[derive(Debug)]
pub(crate) struct Seated {
    /// What to tell the client.
    pub(crate) welcome: Welcome,
    /// The connection's end of its channels.
    pub(crate) conn: ConnHandle,
}

/// How many rooms and spectators, and how old a delta baseline, a [`Sim`] allows, and how
/// its rounds run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimLimits {
    pub(crate) max_rooms: usize,
    pub(crate) max_spectators: usize,
    pub(crate) delta_max_age: u64,
    pub(crate) tick_phases: u32,
    pub(crate) rules: MatchRules,
}

impl SimLimits {
    /// The limits `config` sets, for rooms ticking `tick_rate` times a second.
    pub(crate) fn from_config(config: &crate::Config, tick_rate: u16) -> Self {
        SimLimits {
            max_rooms: config.max_rooms,
            max_spectators: config.max_spectators,
            delta_max_age: config.delta_max_age,
            tick_phases: config.tick_phases,
            rules: config.match_rules(tick_rate),
        }
    }
}

/// Every room of one server and the bookkeeping to seat clients in them.
pub(crate) struct Sim<G: Game> {
    game: G,
    settings: RoomSettings,
    limits: SimLimits,
    seed: u64,
    rooms: BTreeMap<RoomId, Room<G>>,
    /// Room codes, public and private.
    codes: HashMap<String, RoomId>,
    /// Which room each seated player is in.
    seats: HashMap<PlayerId, RoomId>,
    /// Whose seat each resume token reclaims.
    tokens: HashMap<ResumeToken, PlayerId>,
    next_player: u32,
    next_room: u32,
    /// Set once the server drains: no joins, no new rounds.
    draining: bool,
    drained: Option<oneshot::Sender<()>>,
    metrics: Arc<Metrics>,
    lobby: watch::Sender<Arc<[RoomInfo]>>,
    results: Option<Store>,
}

impl<G: Game> Sim<G> {
    pub(crate) fn new(
        game: G,
        settings: RoomSettings,
        limits: SimLimits,
        seed: u64,
        metrics: Arc<Metrics>,
        lobby: watch::Sender<Arc<[RoomInfo]>>,
        results: Option<Store>,
    ) -> Self {
        Sim {
            game,
            settings,
            limits: SimLimits {
                tick_phases: limits.tick_phases.max(1),
                ..limits
            },
            seed,
            rooms: BTreeMap::new(),
            codes: HashMap::new(),
            seats: HashMap::new(),
            tokens: HashMap::new(),
            next_player: 1,
            next_room: 1,
            draining: false,
            drained: None,
            metrics,
            lobby,
            results,
        }
    }
}

#[cfg(test)]
mod tests;
