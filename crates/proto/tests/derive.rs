//! `#[derive(Diff)]` on a pong-like snapshot, on generic, tuple, unit, recursive and enum
//! types, and with `#[diff(deque)]` fields: arbitrary values round-trip through the codec, small changes cost a few bytes, and
//! deltas that do not fit their baseline are refused. It is also the compile check: generated
//! items must pass `missing_docs` and `unreachable_pub` here and clippy `-D warnings`.
#![deny(missing_docs, unreachable_pub)]

mod support;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use proptest::collection::{btree_map, btree_set, vec, vec_deque};
use proptest::option::of;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use support::{
    apply_bytes, apply_corrupted, decode, delta_size, encode, round_trip, round_trip_bits,
};
use tickwire::{Diff, Message};

/// The ball: position in pixels, velocity in pixels per tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Ball {
    /// Pixels from the left wall.
    pub x: i32,
    /// Pixels from the top wall.
    pub y: i32,
    /// Pixels per tick, rightwards.
    pub vx: i16,
    /// Pixels per tick, downwards.
    pub vy: i16,
}

/// Where a paddle is heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Diff)]
pub enum Motion {
    /// Towards the top wall.
    Up,
    /// Still.
    Stop,
    /// Towards the bottom wall.
    Down,
}

/// One player's paddle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Paddle {
    /// Whose it is.
    pub player: u32,
    /// Pixels from the top wall.
    pub y: i32,
    /// Where it is heading.
    pub motion: Motion,
}

/// The whole game, as the server sends it every tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct PongState {
    /// The ball.
    pub ball: Ball,
    /// One per player.
    pub paddles: Vec<Paddle>,
    /// Points by player.
    pub scores: BTreeMap<u32, u16>,
    /// Ticks until the next serve, while the ball waits.
    pub serve_in: Option<u16>,
}

/// A generic snapshot: a value and the tick it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Tagged<T> {
    /// The tick.
    pub tick: u32,
    /// The value.
    pub value: T,
}

/// A tuple struct: the two scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Score(pub u16, pub u16);

/// A unit struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Marker;

/// Sent whole: it does not implement `Diff` at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Banner {
    /// What it says.
    pub text: String,
    /// Its colour, RGB.
    pub color: [u8; 3],
}

/// An enum with struct, tuple and unit variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub enum Phase {
    /// Waiting for players.
    Lobby {
        /// Who is ready.
        ready: BTreeSet<u32>,
    },
    /// About to serve.
    Serving {
        /// Who serves.
        by: u32,
        /// Ticks until the serve.
        in_ticks: u16,
    },
    /// In play: the rally's length in hits and who hit last.
    Rally(u16, Option<u32>),
    /// Someone won.
    Over {
        /// Who.
        winner: u32,
        /// What the screen says.
        #[diff(whole)]
        banner: Banner,
    },
    /// Nobody plays.
    Paused,
}

/// An enum with a single variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub enum Single {
    /// The only one.
    Only {
        /// A number.
        n: u8,
        /// Another.
        m: u8,
    },
}

/// A const-generic struct, with a field named by a keyword.
#[derive(Debug, Clone, PartialEq, Diff)]
pub struct Grid<const N: usize> {
    /// The cells.
    pub cells: [u8; N],
    /// A kind.
    pub r#type: u8,
}

/// A key that is not `Diff`, so `Keyed` needs `#[diff(bound)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlayerId(pub u32);

/// A generic map whose key type need not be `Diff`.
#[derive(Debug, Clone, PartialEq, Diff)]
#[diff(bound = "K: Message + Ord, V: Diff + Message")]
pub struct Keyed<K, V> {
    /// The entries.
    pub map: BTreeMap<K, V>,
}

/// A recursive type: a trail of points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Trail {
    /// This point.
    pub point: (i16, i16),
    /// The rest of the trail.
    pub rest: Option<Box<Trail>>,
}

/// A struct renaming the crate path through a re-export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
#[diff(crate = "crate::reexport::proto")]
pub struct Renamed {
    /// A field.
    pub a: u8,
}

mod reexport {
    pub(crate) use tickwire as proto;
}

/// A worm on a grid: its body moves head first, its trail is a queue of recent headings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub struct Worm {
    /// Whose it is.
    pub id: u8,
    /// Cells, head first: a step pushes a head and trims the tail.
    #[diff(deque)]
    pub body: VecDeque<(u8, u8)>,
    /// Recent headings, oldest first: pushed at the back, trimmed from the front.
    #[diff(deque)]
    pub trail: Vec<i16>,
    /// The same cells as `body`, element-wise, to compare.
    pub plain: Vec<(u8, u8)>,
}

/// An enum whose variant holds a deque field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
pub enum Track {
    /// Standing.
    Idle,
    /// Moving along a path, next cell first.
    Moving {
        /// The path.
        #[diff(deque)]
        path: Vec<u8>,
        /// Cells per tick.
        speed: u8,
    },
}

/// A generic queue: the deque's delta type must be bounded by the derive's `PartialEq`.
#[derive(Debug, Clone, PartialEq, Diff)]
pub struct Log<T> {
    /// Lines, oldest first.
    #[diff(deque)]
    pub lines: VecDeque<T>,
}

fn ball() -> impl Strategy<Value = Ball> {
    (
        -2_i32..3,
        prop_oneof![-2_i32..3, any::<i32>()],
        -1_i16..2,
        any::<i16>(),
    )
        .prop_map(|(x, y, vx, vy)| Ball { x, y, vx, vy })
}

fn motion() -> impl Strategy<Value = Motion> {
    prop_oneof![Just(Motion::Up), Just(Motion::Stop), Just(Motion::Down)]
}

fn paddle() -> impl Strategy<Value = Paddle> {
    (0_u32..3, -2_i32..3, motion()).prop_map(|(player, y, motion)| Paddle { player, y, motion })
}

fn pong_state() -> impl Strategy<Value = PongState> {
    (
        ball(),
        vec(paddle(), 0..4),
        btree_map(0_u32..4, 0_u16..3, 0..4),
        of(0_u16..3),
    )
        .prop_map(|(ball, paddles, scores, serve_in)| PongState {
            ball,
            paddles,
            scores,
            serve_in,
        })
}

fn phase() -> impl Strategy<Value = Phase> {
    let banner = ("[ab]{0,2}", any::<[u8; 3]>()).prop_map(|(text, color)| Banner { text, color });
    prop_oneof![
        btree_set(0_u32..4, 0..3).prop_map(|ready| Phase::Lobby { ready }),
        (0_u32..2, 0_u16..3).prop_map(|(by, in_ticks)| Phase::Serving { by, in_ticks }),
        (0_u16..3, of(0_u32..2)).prop_map(|(hits, last)| Phase::Rally(hits, last)),
        (0_u32..2, banner).prop_map(|(winner, banner)| Phase::Over { winner, banner }),
        Just(Phase::Paused),
    ]
}

fn trail() -> impl Strategy<Value = Trail> {
    let point = (0_i16..2, 0_i16..2);
    point
        .clone()
        .prop_map(|point| Trail { point, rest: None })
        .prop_recursive(4, 8, 1, move |rest| {
            (point.clone(), of(rest)).prop_map(|(point, rest)| Trail {
                point,
                rest: rest.map(Box::new),
            })
        })
}

/// Bodies that step, grow or shrink at either end, or jump anywhere.
fn worm_pair() -> impl Strategy<Value = (Worm, Worm)> {
    let cell = (0_u8..3, 0_u8..3);
    let cells = vec_deque(cell.clone(), 0..8);
    (
        (0_u8..2, cells.clone(), vec(-1_i16..2, 0..6)),
        (0_u8..2, vec(cell, 0..3), 0_usize..4, any::<bool>(), cells),
        vec(-1_i16..2, 0..3),
    )
        .prop_map(
            |((id, body, trail), (next_id, heads, trim, step, jump), pushed)| {
                let worm = |id, body: VecDeque<(u8, u8)>, trail| Worm {
                    id,
                    plain: body.iter().copied().collect(),
                    body,
                    trail,
                };
                let next_body = if step {
                    let mut next = body.clone();
                    next.truncate(next.len().saturating_sub(trim));
                    for head in heads {
                        next.push_front(head);
                    }
                    next
                } else {
                    jump
                };
                let mut next_trail: Vec<i16> = trail.iter().skip(trim).copied().collect();
                next_trail.extend(pushed);
                (worm(id, body, trail), worm(next_id, next_body, next_trail))
            },
        )
}

fn track() -> impl Strategy<Value = Track> {
    prop_oneof![
        Just(Track::Idle),
        (vec(0_u8..3, 0..6), 0_u8..2).prop_map(|(path, speed)| Track::Moving { path, speed }),
    ]
}

fn serving_state() -> PongState {
    PongState {
        ball: Ball {
            x: 400,
            y: 300,
            vx: 4,
            vy: -3,
        },
        paddles: vec![
            Paddle {
                player: 1,
                y: 250,
                motion: Motion::Stop,
            },
            Paddle {
                player: 2,
                y: 250,
                motion: Motion::Stop,
            },
        ],
        scores: BTreeMap::from([(1, 0), (2, 0)]),
        serve_in: Some(30),
    }
}

proptest! {
    #[test]
    fn pong_states_round_trip(base in pong_state(), next in pong_state()) {
        round_trip(&base, &next)?;
    }

    #[test]
    fn enums_round_trip_within_and_across_variants(base in phase(), next in phase()) {
        round_trip(&base, &next)?;
    }

    #[test]
    fn generic_structs_round_trip(
        base in (0_u32..2, prop_oneof![Just(f32::NAN), Just(-0.0), Just(0.0), any::<f32>()]),
        next in (0_u32..2, prop_oneof![Just(f32::NAN), Just(-0.0), Just(0.0), any::<f32>()]),
        balls in (ball(), ball()),
    ) {
        let tagged = |(tick, value)| Tagged { tick, value };
        round_trip_bits(&tagged(base), &tagged(next))?;
        round_trip(&Tagged { tick: 1, value: balls.0 }, &Tagged { tick: 1, value: balls.1 })?;
    }

    #[test]
    fn tuple_unit_and_single_variant_types_round_trip(
        scores in ((0_u16..3, 0_u16..3), (0_u16..3, 0_u16..3)),
        single in ((0_u8..2, 0_u8..2), (0_u8..2, 0_u8..2)),
    ) {
        round_trip(&Score(scores.0.0, scores.0.1), &Score(scores.1.0, scores.1.1))?;
        round_trip(&Marker, &Marker)?;
        let only = |(n, m)| Single::Only { n, m };
        round_trip(&only(single.0), &only(single.1))?;
    }

    #[test]
    fn bounded_const_generic_recursive_and_renamed_types_round_trip(
        cells in (any::<[u8; 3]>(), any::<[u8; 3]>(), 0_u8..2, 0_u8..2),
        maps in (btree_map(0_u32..4, 0_u8..2, 0..4), btree_map(0_u32..4, 0_u8..2, 0..4)),
        trails in (trail(), trail()),
        renamed in (0_u8..2, 0_u8..2),
    ) {
        round_trip(&Grid { cells: cells.0, r#type: cells.2 }, &Grid { cells: cells.1, r#type: cells.3 })?;
        let keyed = |map: BTreeMap<u32, u8>| Keyed { map: map.into_iter().map(|(k, v)| (PlayerId(k), v)).collect() };
        round_trip(&keyed(maps.0), &keyed(maps.1))?;
        round_trip(&trails.0, &trails.1)?;
        round_trip(&Renamed { a: renamed.0 }, &Renamed { a: renamed.1 })?;
    }

    #[test]
    fn hostile_pong_deltas_never_panic(
        base in pong_state(),
        next in pong_state(),
        bytes in vec(any::<u8>(), 0..48),
        at in any::<usize>(),
        byte in any::<u8>(),
        keep in any::<usize>(),
    ) {
        apply_bytes(&base, &bytes);
        apply_corrupted(&base, &next, at, byte, keep);
    }

    #[test]
    fn hostile_phase_deltas_never_panic(
        base in phase(),
        next in phase(),
        bytes in vec(any::<u8>(), 0..32),
        at in any::<usize>(),
        byte in any::<u8>(),
        keep in any::<usize>(),
    ) {
        apply_bytes(&base, &bytes);
        apply_corrupted(&base, &next, at, byte, keep);
    }

    #[test]
    fn deque_fields_round_trip_and_hostile_deltas_never_panic(
        (base, next) in worm_pair(),
        tracks in (track(), track()),
        logs in (vec_deque(0_u8..3, 0..6), vec_deque(0_u8..3, 0..6)),
        bytes in vec(any::<u8>(), 0..32),
        at in any::<usize>(),
        byte in any::<u8>(),
        keep in any::<usize>(),
    ) {
        round_trip(&base, &next)?;
        round_trip(&tracks.0, &tracks.1)?;
        round_trip(&Log { lines: logs.0 }, &Log { lines: logs.1 })?;
        apply_bytes(&base, &bytes);
        apply_corrupted(&base, &next, at, byte, keep);
        apply_bytes(&tracks.0, &bytes);
        apply_corrupted(&tracks.0, &tracks.1, at, byte, keep);
    }

    /// A delta for one variant's fields, applied to a value of another variant.
    #[test]
    fn changes_to_another_variant_are_refused(other in phase()) {
        let base = Phase::Serving { by: 1, in_ticks: 3 };
        let delta = base.diff(&Phase::Serving { by: 1, in_ticks: 2 });
        prop_assume!(!matches!(other, Phase::Serving { .. }));
        prop_assert!(other.apply(&delta).is_err());
    }
}

#[test]
fn unchanged_state_costs_one_byte() {
    let state = serving_state();
    assert_eq!(encode(&state.diff(&state)), [0]);
}

#[test]
fn moving_only_ball_x_costs_the_masks_and_x() {
    let base = serving_state();
    let mut next = base.clone();
    next.ball.x += 4;
    // State mask, ball mask, then x = 404 as a zigzag varint (3 bytes).
    assert_eq!(delta_size(&base, &next), 5);
    next.ball.x = base.ball.x + 1 - 400;
    assert_eq!(delta_size(&base, &next), 3, "a small x is one byte");
}

#[test]
fn typical_tick_sizes() {
    let base = serving_state();
    let mut moving = base.clone();
    moving.ball.x += 4;
    moving.ball.y -= 3;
    moving.serve_in = None;
    // State mask, ball mask, x (3), y (3), `None` (1).
    assert_eq!(delta_size(&base, &moving), 9);

    let mut paddle = base.clone();
    paddle.paddles[1].y += 6;
    paddle.paddles[1].motion = Motion::Down;
    // State mask; Vec: len, count, index; paddle mask, y (3), motion: same/whole tag + variant.
    assert_eq!(delta_size(&base, &paddle), 11);

    let mut scored = base.clone();
    *scored.scores.get_mut(&2).expect("player 2 scores") += 1;
    // State mask; map: removed 0, changed 1, key, value, added 0.
    assert_eq!(delta_size(&base, &scored), 6);
}

#[test]
fn one_changed_paddle_of_ten_costs_its_index_and_change() {
    let base: Vec<Paddle> = (0..10)
        .map(|player| Paddle {
            player,
            y: 250,
            motion: Motion::Stop,
        })
        .collect();
    let mut next = base.clone();
    next[7].y = 260;
    // len, count, index, paddle mask, y (3), appended count.
    assert_eq!(delta_size(&base, &next), 8);
}

#[test]
fn enum_deltas_cost_a_tag_and_the_change() {
    let base = Phase::Serving {
        by: 1,
        in_ticks: 30,
    };
    // Same variant: kind tag, mask.
    assert_eq!(delta_size(&base, &base), 2);
    // Same variant, one field: kind tag, mask, in_ticks.
    assert_eq!(
        delta_size(
            &base,
            &Phase::Serving {
                by: 1,
                in_ticks: 29
            }
        ),
        3
    );
    // Another variant: kind tag, then the value whole (variant tag, hits, `None`).
    assert_eq!(delta_size(&base, &Phase::Rally(0, None)), 4);
    // A unit enum: kind tag, variant tag.
    assert_eq!(delta_size(&Motion::Up, &Motion::Down), 2);
}

#[test]
fn whole_fields_are_sent_whole_and_only_when_changed() {
    let banner = Banner {
        text: "P1 wins".to_owned(),
        color: [255, 0, 0],
    };
    let base = Phase::Over {
        winner: 1,
        banner: banner.clone(),
    };
    let recolored = Phase::Over {
        winner: 1,
        banner: Banner {
            color: [0, 255, 0],
            ..banner
        },
    };
    assert_eq!(delta_size(&base, &base), 2);
    // Kind tag, mask, then the banner whole: text (1 + 7), colour (3 bytes of u8, 255 raw).
    assert_eq!(delta_size(&base, &recolored), 2 + 8 + 3);
}

#[test]
fn deltas_read_as_the_changed_fields() {
    let base = serving_state();
    let mut next = base.clone();
    next.ball.vy = 3;
    let shown = format!("{:?}", base.diff(&next));
    assert!(
        shown.contains("ball(BallDelta(FieldChanges([vy(3)])))"),
        "{shown}"
    );
}

#[test]
fn masks_naming_fields_that_do_not_exist_are_refused() {
    let state = serving_state();
    // PongState has four fields: bit 4 names none of them.
    assert!(decode::<<PongState as Diff>::Delta>(&[1 << 4]).is_err());
    assert!(!apply_bytes(&state, &[1 << 4]));
    // Ball's mask says two fields changed but only one delta follows.
    assert!(decode::<<PongState as Diff>::Delta>(&[1, 0b11, 2]).is_err());
}

fn worm() -> Worm {
    let body: VecDeque<(u8, u8)> = (0..20).map(|x| (x, 7)).collect();
    Worm {
        id: 1,
        plain: body.iter().copied().collect(),
        body,
        trail: vec![0; 8],
    }
}

#[test]
fn a_deque_field_sends_a_step_as_its_new_head_and_two_counts() {
    let base = worm();
    let mut next = base.clone();
    next.body.pop_back();
    next.body.push_front((0, 6));
    // Mask, then the shift: tag, one pushed, the cell, one trimmed.
    assert_eq!(encode(&base.diff(&next)), [0b10, 0, 1, 0, 6, 1]);
    next.trail.remove(0);
    next.trail.push(-1);
    // The trail is a queue: tag `Back`, one pushed (-1 zigzags to 1), one trimmed.
    assert_eq!(
        encode(&base.diff(&next)),
        [0b110, 0, 1, 0, 6, 1, 1, 1, 1, 1]
    );

    let mut plain = base.clone();
    plain.plain = next.body.iter().copied().collect();
    assert!(
        delta_size(&base, &plain) > 40,
        "without the attribute every cell is resent"
    );
}

#[test]
fn a_deque_field_that_changed_in_place_sends_its_elements() {
    let base = worm();
    let mut next = base.clone();
    next.body[3] = (3, 8);
    let shown = format!("{:?}", base.diff(&next));
    assert!(shown.contains("body(Elements(VecDelta"), "{shown}");
    assert_eq!(Diff::apply(&base, &base.diff(&next)), Ok(next));
}

#[test]
fn delta_types_are_messages() {
    fn message<T: Message>() {}
    message::<PongStateDelta>();
    message::<PhaseDelta>();
    message::<TaggedDelta<Ball>>();
    message::<KeyedDelta<PlayerId, u8>>();
    message::<GridDelta<4>>();
    message::<MarkerDelta>();
    message::<WormDelta>();
    message::<TrackDelta>();
    message::<LogDelta<u8>>();
}
