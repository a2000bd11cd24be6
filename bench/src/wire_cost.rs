//! What snapshots cost each client on the wire, for several ways of writing the same states:
//! a game's hand-written `Diff`, `#[derive(Diff)]` mirrors of its types (see `mirror`), and
//! keyframes. [`measure`] plays rooms of bots through [`TickRig`] and encodes every client's
//! message of every tick as the server does: a `ServerMsg::Snapshot` whose body is a delta
//! against the previous tick (the baseline every client acknowledged) or the whole state,
//! through `tickwire::codec`. Every delta is applied back and checked against the state it
//! was made from.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Serialize;
use tickwire::{Body, Bot, Diff, MatchPhase, RoomId, ServerMsg, Snapshot, codec};
use tickwire_game::Game;

use crate::rig::TickRig;

/// The phase of every bench room: free play, waiting for more players than will ever come
/// (`tickwire_server::bench` sets the round's minimum to `usize::MAX`). In a round the phase
/// costs two bytes more (`Running` and its ticks left), for every way alike.
pub const BENCH_PHASE: MatchPhase = MatchPhase::Waiting { needed: u8::MAX };

/// The envelope of one client's snapshot message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// The room's tick.
    pub tick: u64,
    /// The client's input the tick consumed last.
    pub ack: u32,
    /// Where the room is in its round.
    pub phase: MatchPhase,
}

/// What sending one room's tick cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Every client's message, summed.
    pub message_bytes: usize,
    /// The delta (or the state) alone, encoded once.
    pub body_bytes: usize,
    /// Making the delta, once per room (the server diffs once per baseline age).
    pub diff_ns: u64,
    /// Applying it, once (as each client does).
    pub apply_ns: u64,
}

impl std::ops::AddAssign for Cost {
    fn add_assign(&mut self, other: Cost) {
        self.message_bytes += other.message_bytes;
        self.body_bytes += other.body_bytes;
        self.diff_ns += other.diff_ns;
        self.apply_ns += other.apply_ns;
    }
}

/// Nanoseconds since `started`.
fn nanos(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// The cost of sending `next` to `clients` as a delta from `base` by `T`'s [`Diff`], once
/// the delta is checked to rebuild `next` exactly.
pub fn delta_cost<T: Diff + Serialize>(
    base: &T,
    next: &T,
    clients: &[Envelope],
) -> anyhow::Result<Cost> {
    let started = Instant::now();
    let delta = base.diff(next);
    let diff_ns = nanos(started);
    let started = Instant::now();
    let rebuilt = base.apply(&delta);
    let apply_ns = nanos(started);
    if rebuilt.as_ref() != Ok(next) {
        bail!("a delta did not rebuild its state: {:?}", rebuilt.err());
    }
    let mut message_bytes = 0;
    for client in clients {
        let body: Body<&T, &T::Delta> = Body::Delta {
            age: 1,
            delta: &delta,
        };
        message_bytes += message(client, body)?;
    }
    Ok(Cost {
        message_bytes,
        body_bytes: codec::encode(&delta)?.len(),
        diff_ns,
        apply_ns,
    })
}

/// The cost of sending `next` to `clients` whole, as keyframes.
pub fn full_cost<S: Serialize>(next: &S, clients: &[Envelope]) -> anyhow::Result<Cost> {
    let mut message_bytes = 0;
    for client in clients {
        let body: Body<&S, &()> = Body::Full(next);
        message_bytes += message(client, body)?;
    }
    Ok(Cost {
        message_bytes,
        body_bytes: codec::encode(next)?.len(),
        ..Cost::default()
    })
}

/// The encoded size of the snapshot message `client` receives with `body`.
fn message<S: Serialize, D: Serialize>(
    client: &Envelope,
    body: Body<S, D>,
) -> anyhow::Result<usize> {
    let msg = ServerMsg::Snapshot(Snapshot {
        tick: client.tick,
        ack: client.ack,
        phase: client.phase,
        body,
    });
    Ok(codec::encode(&msg)?.len())
}

/// How one way sends a room's tick: from the baseline and the next state (the game's own
/// type) to the clients' envelopes, its cost.
type Send<S> = Box<dyn Fn(&S, &S, &[Envelope]) -> anyhow::Result<Cost>>;

/// One way of writing a game's states on the wire.
pub struct Way<S> {
    /// Its name in reports.
    pub name: &'static str,
    send: Send<S>,
}

impl<S> std::fmt::Debug for Way<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Way").field("name", &self.name).finish()
    }
}

impl<S: Diff + Serialize + 'static> Way<S> {
    /// Deltas by the game's own `Diff`, as its server sends them.
    pub fn own(name: &'static str) -> Way<S> {
        Way {
            name,
            send: Box::new(|base, next, clients| delta_cost(base, next, clients)),
        }
    }

    /// Deltas by `T`'s `Diff`, `T` a copy of the game's type (converted outside the timing).
    pub fn mirrored<T>(name: &'static str) -> Way<S>
    where
        T: Diff + Serialize + for<'a> From<&'a S>,
    {
        Way {
            name,
            send: Box::new(|base, next, clients| {
                delta_cost(&T::from(base), &T::from(next), clients)
            }),
        }
    }

    /// Every state whole: what clients cost without deltas.
    pub fn keyframes(name: &'static str) -> Way<S> {
        Way {
            name,
            send: Box::new(|_, next, clients| full_cost(next, clients)),
        }
    }
}

/// Rooms to play and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Rooms played side by side.
    pub rooms: usize,
    /// Bots in each room.
    pub players_per_room: u16,
    /// Ticks played before measuring, so bodies grow and acks flow.
    pub warm_up: usize,
    /// Ticks measured.
    pub ticks: usize,
    /// Seed of the rooms.
    pub seed: u64,
}

/// One way's cost over a run.
#[derive(Debug, Clone, Serialize)]
pub struct WayReport {
    /// The way's name.
    pub way: &'static str,
    /// Mean snapshot message per client per tick, in bytes.
    pub bytes_per_client_tick: f64,
    /// The same per second at the game's tick rate.
    pub bytes_per_client_s: f64,
    /// Mean delta (or state) alone per room tick, in bytes.
    pub body_bytes_per_tick: f64,
    /// Mean time to make one room's delta, in microseconds.
    pub diff_us: f64,
    /// Mean time to apply it, in microseconds.
    pub apply_us: f64,
}

/// A run's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The game's name.
    pub game: &'static str,
    /// The game's tick rate, in Hz.
    pub tick_rate: u16,
    /// Rooms played.
    pub rooms: usize,
    /// Bots per room.
    pub players_per_room: u16,
    /// Clients measured (bots seated).
    pub clients: usize,
    /// Ticks measured.
    pub ticks: usize,
    /// Seed of the rooms.
    pub seed: u64,
    /// What the server itself encoded per client per tick over the same ticks (its own
    /// `Diff`): the check that the messages here are the server's.
    pub server_bytes_per_client_tick: f64,
    /// Each way's cost.
    pub ways: Vec<WayReport>,
}

/// Plays `game` as `plan` says and measures every way on every tick.
pub fn measure<G: Game + Bot>(
    game: G,
    plan: Plan,
    ways: &[Way<G::Snapshot>],
) -> anyhow::Result<Report> {
    let tick_rate = game.settings().tick_rate;
    let mut rig = TickRig::of(game, plan.rooms, plan.players_per_room, plan.seed);
    rig.warm_up(plan.warm_up);
    let mut rooms: HashMap<RoomId, Vec<_>> = HashMap::new();
    for &(room, player) in rig.seated() {
        rooms.entry(room).or_default().push(player);
    }
    let mut rooms: Vec<_> = rooms.into_iter().collect();
    rooms.sort_by_key(|(room, _)| *room);
    let mut previous = newest(&rig, &rooms)?;
    let mut costs = vec![Cost::default(); ways.len()];
    let mut server_bytes = 0;
    for _ in 0..plan.ticks {
        rig.tick();
        server_bytes += rig.encoded_bytes();
        let states = newest(&rig, &rooms)?;
        for ((_, players), (base, next)) in rooms.iter().zip(previous.iter().zip(&states)) {
            let clients: Vec<Envelope> = players
                .iter()
                .map(|&player| Envelope {
                    tick: rig.tick_number(),
                    ack: rig.ack(player),
                    phase: BENCH_PHASE,
                })
                .collect();
            for (way, cost) in ways.iter().zip(&mut costs) {
                *cost += (way.send)(base, next, &clients)?;
            }
        }
        previous = states;
        rig.between_ticks();
    }
    let clients = rig.players();
    let per_client_tick = |bytes: usize| bytes as f64 / (plan.ticks * clients).max(1) as f64;
    let room_ticks = (plan.ticks * rooms.len()).max(1) as f64;
    let ways = ways
        .iter()
        .zip(costs)
        .map(|(way, cost)| WayReport {
            way: way.name,
            bytes_per_client_tick: per_client_tick(cost.message_bytes),
            bytes_per_client_s: per_client_tick(cost.message_bytes) * f64::from(tick_rate),
            body_bytes_per_tick: cost.body_bytes as f64 / room_ticks,
            diff_us: cost.diff_ns as f64 / room_ticks / 1000.0,
            apply_us: cost.apply_ns as f64 / room_ticks / 1000.0,
        })
        .collect();
    Ok(Report {
        game: G::NAME,
        tick_rate,
        rooms: rooms.len(),
        players_per_room: plan.players_per_room,
        clients,
        ticks: plan.ticks,
        seed: plan.seed,
        server_bytes_per_client_tick: per_client_tick(server_bytes),
        ways,
    })
}

/// The newest state of each of `rooms`, in order.
fn newest<G: Game + Bot, P>(
    rig: &TickRig<G>,
    rooms: &[(RoomId, P)],
) -> anyhow::Result<Vec<G::Snapshot>> {
    rooms
        .iter()
        .map(|(room, _)| rig.state(*room).cloned().context("a room has no state"))
        .collect()
}

#[cfg(test)]
mod tests {
    use snake::{Snake, SnakeRules};

    use super::*;
    use crate::mirror::{snake_deque, snake_plain};

    fn snake_ways() -> Vec<Way<snake::SnakeState>> {
        vec![
            Way::own("hand-written"),
            Way::mirrored::<snake_deque::SnakeState>("derived, deque body"),
            Way::mirrored::<snake_plain::SnakeState>("derived"),
            Way::keyframes("keyframes"),
        ]
    }

    #[test]
    fn hand_written_messages_are_exactly_what_the_server_encoded() {
        let plan = Plan {
            rooms: 2,
            players_per_room: 5,
            warm_up: 40,
            ticks: 40,
            seed: 9,
        };
        let game = Snake {
            rules: SnakeRules::default(),
        };
        let report = measure(game, plan, &snake_ways()).unwrap();
        assert_eq!(
            (report.clients, report.rooms, report.tick_rate),
            (10, 2, 15)
        );
        let [own, deque, plain, full] = &report.ways[..] else {
            panic!("four ways: {report:?}");
        };
        assert_eq!(
            own.bytes_per_client_tick,
            report.server_bytes_per_client_tick
        );
        assert!(own.bytes_per_client_tick < deque.bytes_per_client_tick);
        assert!(deque.bytes_per_client_tick < full.bytes_per_client_tick);
        // Element-wise, a moving body resends every cell as an index and a cell's delta.
        assert!(deque.bytes_per_client_tick < plain.bytes_per_client_tick);
    }

    #[test]
    fn pong_rooms_measure_through_the_same_rig() {
        let plan = Plan {
            rooms: 1,
            players_per_room: 2,
            warm_up: 60,
            ticks: 60,
            seed: 9,
        };
        let ways = [
            Way::own("hand-written"),
            Way::mirrored::<crate::mirror::PongState>("derived"),
        ];
        let report = measure(pong::Pong::default(), plan, &ways).unwrap();
        assert_eq!((report.clients, report.tick_rate), (2, 30));
        assert_eq!(
            report.ways[0].bytes_per_client_tick,
            report.server_bytes_per_client_tick
        );
    }
}
