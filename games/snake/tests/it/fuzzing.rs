//! Bytes and values from an untrusted peer: snake's wire types round-trip through the codec,
//! the fuzz harnesses (`snake::fuzz`, the same code `fuzz/` runs) never fail on random or
//! mutated input, and every input cargo-fuzz ever crashed stays fixed.

use tickwire::{Body, ClientMsg, MatchPhase, PlayerId, Reconstructor, ServerMsg, Snapshot, codec};

use proptest::prelude::*;
use snake::delta::{Change, FoodChange};
use snake::{Cell, Dir, Snake, SnakeDelta, SnakeInput, SnakeState, SnakeView, fuzz};
use tickwire::Diff;

fn dir() -> impl Strategy<Value = Dir> {
    prop::sample::select(Dir::ALL.to_vec())
}

/// Mostly cells of a small grid, sometimes anywhere a byte reaches.
fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        9 => (0u8..14, 0u8..14),
        1 => any::<(u8, u8)>(),
    ]
    .prop_map(|(x, y)| Cell::new(x, y))
}

/// Bodies: sometimes any cells, mostly a walk of adjacent ones (which may wrap off a byte).
fn body() -> impl Strategy<Value = Vec<Cell>> {
    let walk = (cell(), prop::collection::vec(dir(), 0..6)).prop_map(|(start, dirs)| {
        let mut body = vec![start];
        for dir in dirs {
            let (dx, dy) = dir.delta();
            let last = body[body.len() - 1];
            body.push(Cell::new(
                last.x.wrapping_add_signed(dx),
                last.y.wrapping_add_signed(dy),
            ));
        }
        body
    });
    prop_oneof![
        3 => walk,
        1 => prop::collection::vec(cell(), 0..6),
    ]
}

fn small_u32() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..4, 1 => any::<u32>()]
}

fn snake_view() -> impl Strategy<Value = SnakeView> {
    (
        0u32..6,
        prop::sample::select(vec!["p1", "p2", "", "ünï"]),
        body(),
        dir(),
        any::<bool>(),
        small_u32(),
        prop_oneof![4 => 0u16..3, 1 => any::<u16>()],
    )
        .prop_map(
            |(player, name, body, dir, alive, score, respawn_in)| SnakeView {
                player: PlayerId(player),
                name: name.into(),
                body,
                dir,
                alive,
                score,
                respawn_in,
            },
        )
}

/// Any state the codec can carry, including ones no server would send (unsorted snakes,
/// bodies off the grid, one player twice).
fn any_state() -> impl Strategy<Value = SnakeState> {
    (
        prop_oneof![4 => (8u8..16, 8u8..16), 1 => any::<(u8, u8)>()],
        prop::collection::vec(snake_view(), 0..5),
        prop::collection::vec(cell(), 0..6),
    )
        .prop_map(|((width, height), snakes, food)| SnakeState {
            width,
            height,
            snakes,
            food,
        })
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        2 => Just(Change::Same),
        1 => Just(Change::Gone),
        4 => dir().prop_map(Change::Step),
        2 => dir().prop_map(Change::Grow),
        2 => (prop::collection::vec(dir(), 0..5), 0u16..6, small_u32())
            .prop_map(|(path, kept, score)| Change::Moved { path, kept, score }),
        1 => prop::collection::vec(dir(), 60..70)
            .prop_map(|path| Change::Moved { path, kept: 1, score: 0 }),
        1 => any::<u16>().prop_map(|respawn_in| Change::Waiting { respawn_in }),
        1 => (body(), dir(), any::<bool>(), small_u32(), 0u16..3).prop_map(
            |(body, dir, alive, score, respawn_in)| Change::Reset { body, dir, alive, score, respawn_in }
        ),
    ]
}

fn food_change() -> impl Strategy<Value = FoodChange> {
    prop_oneof![
        Just(FoodChange::Same),
        (
            prop::collection::vec(0u16..8, 0..4),
            prop::collection::vec(cell(), 0..4)
        )
            .prop_map(|(eaten, placed)| FoodChange::Edit { eaten, placed }),
        prop::collection::vec(cell(), 0..6).prop_map(FoodChange::Replace),
    ]
}

/// A delta with `snakes` changes (the count a baseline needs), or occasionally any count.
fn delta_for(snakes: usize) -> impl Strategy<Value = SnakeDelta> {
    (
        prop_oneof![9 => Just(snakes), 1 => 0usize..6],
        prop::collection::vec(snake_view(), 0..3),
        food_change(),
        prop::option::weighted(0.1, any::<(u8, u8)>()),
    )
        .prop_flat_map(|(count, joined, food, size)| {
            prop::collection::vec(change(), count).prop_map(move |snakes| SnakeDelta {
                snakes,
                joined: joined.clone(),
                food: food.clone(),
                size,
            })
        })
}

/// A baseline and a delta that mostly fits it.
fn state_and_delta() -> impl Strategy<Value = (SnakeState, SnakeDelta)> {
    any_state().prop_flat_map(|state| {
        let n = state.snakes.len();
        (Just(state), delta_for(n))
    })
}

/// A state as a server sends it: snakes sorted by player, one each.
fn well_formed_state() -> impl Strategy<Value = SnakeState> {
    any_state().prop_map(|mut state| {
        state.snakes.sort_by_key(|s| s.player);
        state.snakes.dedup_by_key(|s| s.player);
        state
    })
}

fn phase() -> impl Strategy<Value = MatchPhase> {
    prop_oneof![
        any::<u8>().prop_map(|needed| MatchPhase::Waiting { needed }),
        any::<u32>().prop_map(|ticks_left| MatchPhase::Running { ticks_left }),
        (any::<u32>(), prop::option::of(any::<u32>())).prop_map(|(ticks_left, winner)| {
            MatchPhase::Ended {
                ticks_left,
                winner: winner.map(PlayerId),
            }
        }),
    ]
}

proptest! {
    #[test]
    fn snake_states_and_deltas_round_trip_inside_snapshots(
        (state, delta) in state_and_delta(),
        tick in any::<u64>(),
        ack in any::<u32>(),
        age in any::<u8>(),
        phase in phase(),
    ) {
        prop_assert_eq!(codec::decode::<SnakeState>(&codec::encode(&state).unwrap()), Ok(state.clone()));
        prop_assert_eq!(codec::decode::<SnakeDelta>(&codec::encode(&delta).unwrap()), Ok(delta.clone()));
        for body in [Body::Full(state), Body::Delta { age, delta }] {
            let msg = ServerMsg::<SnakeState, SnakeDelta>::Snapshot(Snapshot { tick, ack, phase, body });
            let bytes = codec::encode(&msg).unwrap();
            prop_assert_eq!(codec::decode_server(&bytes), Ok(msg));
        }
    }

    #[test]
    fn snake_inputs_round_trip_inside_client_messages(seq in any::<u32>(), dir in dir()) {
        let msg = ClientMsg::Input { seq, input: SnakeInput { dir } };
        prop_assert_eq!(codec::decode_client(&codec::encode(&msg).unwrap()), Ok(msg));
    }

    #[test]
    fn no_harness_fails_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for target in fuzz::TARGETS {
            fuzz::run(target, &bytes);
        }
    }

    /// Random bytes rarely decode; a valid message with a few bytes changed reaches much
    /// deeper into the decoders and the delta code.
    #[test]
    fn no_harness_fails_on_mutated_seeds(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let seeds = fuzz::seeds();
        let (target, mut bytes) = seeds[pick.index(seeds.len())].clone();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        fuzz::run(target, &bytes);
    }

    #[test]
    fn applying_any_delta_to_any_state_never_panics((base, delta) in state_and_delta()) {
        if let Ok(next) = snake::delta::apply(&base, &delta) {
            fuzz::diff_applies_exactly(&base, &next);
        }
    }

    #[test]
    fn a_diff_between_any_well_formed_states_applies_exactly(
        base in well_formed_state(),
        next in well_formed_state(),
    ) {
        fuzz::diff_applies_exactly(&base, &next);
    }
}

#[test]
fn every_seed_passes_its_harness() {
    let seeds = fuzz::seeds();
    for target in fuzz::TARGETS {
        assert!(
            seeds.iter().any(|(t, _)| *t == target),
            "no seed for {target}"
        );
    }
    for (target, bytes) in seeds {
        fuzz::run(target, &bytes);
    }
}

// What cargo-fuzz found, each minimised crash input kept as bytes.

/// `diff` described a move across the old grid that left the new, smaller one, so `apply`
/// refused it. Found by the `apply_delta` target; `diff` now checks each step against the
/// new grid and sends such a snake in full.
#[test]
fn fuzz_crash_a_move_off_a_shrunken_grid_is_sent_in_full() {
    fuzz::run(
        "apply_delta",
        &hex(
            "3b000c0a03010270310406080607060606050101010003027036040a0709070807070703010000040270\
         340002000001060a080b060107090402010000040a0301027031040709060906080607030101000302\
         700300030001020700000000000000",
        ),
    );

    let snake = |body: &[(u8, u8)], dir| SnakeView {
        player: PlayerId(1),
        name: "p1".into(),
        body: body.iter().map(|&(x, y)| Cell::new(x, y)).collect(),
        dir,
        alive: true,
        score: 0,
        respawn_in: 0,
    };
    let base = SnakeState {
        width: 12,
        height: 10,
        snakes: vec![snake(&[(6, 8), (6, 7)], Dir::Down)],
        food: vec![],
    };
    let next = SnakeState {
        width: 4,
        snakes: vec![snake(&[(6, 9), (6, 8)], Dir::Down)],
        ..base.clone()
    };
    let delta = Diff::diff(&base, &next);
    assert!(
        matches!(delta.snakes[..], [Change::Reset { .. }]),
        "{delta:?}"
    );
    assert_eq!(snake::delta::apply(&base, &delta), Ok(next));
}

/// A delta whose baseline the client lacks used to drop every kept baseline before failing:
/// later good deltas then failed too, and a snapshot older than one already shown was
/// accepted. Found by the `reconstructor` target; a snapshot that fails now changes nothing.
#[test]
fn fuzz_crash_a_delta_without_its_baseline_changes_nothing() {
    fuzz::run(
        "reconstructor",
        &hex(
            "1d0000000101045137584b000f0107070707070707000707070707070707003f0001000302fb8403000c\
         0a030102703104040603060206010603010000020270320404010301020101010301000003027033040a\
         040a030a020a0101010007001f0001060302fb840301010306040304030303020301010101000201020100\
         000027000107030300000001050304030303020a01010100000004032307070707070707070707070707\
         003f0001000302fb8403000c0a030102703104040603060206010603010000020270320404010301020101\
         010301000003027033040a040a030a020a0101010000000403",
        ),
    );

    let empty = SnakeState {
        width: 10,
        height: 10,
        snakes: vec![],
        food: vec![],
    };
    let nothing = SnakeDelta {
        snakes: vec![],
        joined: vec![],
        food: FoodChange::Same,
        size: None,
    };
    let snapshot = |tick, body| Snapshot {
        tick,
        ack: 0,
        phase: MatchPhase::Running { ticks_left: 1 },
        body,
    };
    let mut client = Reconstructor::<Snake>::default();
    client
        .receive(snapshot(5, Body::Full(empty.clone())))
        .unwrap();
    let missing = Body::Delta {
        age: 2,
        delta: nothing.clone(),
    };
    assert!(client.receive(snapshot(9, missing)).is_err());
    let from_5 = Body::Delta {
        age: 5,
        delta: nothing,
    };
    assert_eq!(client.receive(snapshot(10, from_5)).unwrap().state, empty);
    assert!(
        client.receive(snapshot(3, Body::Full(empty))).is_err(),
        "older than one already shown"
    );
}

/// Ticks come from the peer: ones near `u64::MAX` once overflowed the age arithmetic (a
/// panic in debug builds). Found reading the code the `reconstructor` target covers.
#[test]
fn ticks_near_the_end_of_u64_do_not_overflow() {
    let state = SnakeState {
        width: 10,
        height: 10,
        snakes: vec![],
        food: vec![],
    };
    let mut client = Reconstructor::<Snake>::default();
    for tick in [u64::MAX - 100, u64::MAX - 1, u64::MAX] {
        let snapshot = Snapshot {
            tick,
            ack: 0,
            phase: MatchPhase::Running { ticks_left: 1 },
            body: Body::Full(state.clone()),
        };
        assert_eq!(client.receive(snapshot).unwrap().tick, tick);
    }
}

/// The bytes written as hex digits in `text`, ignoring anything else (line breaks).
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .chars()
        .filter_map(|c| c.to_digit(16))
        .map(|d| d as u8)
        .collect();
    digits
        .chunks(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect()
}
