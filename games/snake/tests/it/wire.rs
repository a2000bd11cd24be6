//! Wire types, their encoded size, the rules' bounds and the game's identity.

use tickwire::{PlayerId, Wire};

use snake::{Cell, Dir, Snake, SnakeInput, SnakeRules, SnakeState, SnakeView};
use tickwire_game::Game;

#[test]
fn wire_types_round_trip_through_the_codec() {
    let input = SnakeInput { dir: Dir::Left };
    let bytes = tickwire::codec::encode(&input).unwrap();
    assert_eq!(bytes.len(), 1);
    assert_eq!(
        tickwire::codec::decode::<SnakeInput>(&bytes).unwrap(),
        input
    );

    let state = ten_snake_state();
    let bytes = tickwire::codec::encode(&state).unwrap();
    assert_eq!(
        tickwire::codec::decode::<SnakeState>(&bytes).unwrap(),
        state
    );
}

/// Ten players named "player-NN", 20 segments each, and 13 food: a full default room.
fn ten_snake_state() -> SnakeState {
    let snakes = (0..10u8)
        .map(|i| SnakeView {
            player: PlayerId(1000 + u32::from(i)),
            name: format!("player-{i:02}"),
            body: (0..20).map(|x| Cell::new(40 - x, 2 + 4 * i)).collect(),
            dir: Dir::Right,
            alive: true,
            score: 16,
            respawn_in: 0,
        })
        .collect();
    SnakeState {
        width: 64,
        height: 48,
        snakes,
        food: (0..13).map(|i| Cell::new(50, 3 * i)).collect(),
    }
}

#[test]
fn a_full_room_snapshot_encodes_compactly() {
    let bytes = tickwire::codec::encode(&ten_snake_state()).unwrap();
    println!("10 snakes x 20 segments + 13 food: {} bytes", bytes.len());
    // Per snake: id 3, name 10, body 1 + 40, dir 1, alive 1, score 1, respawn 1.
    assert!(bytes.len() < 650, "{} bytes", bytes.len());
}

#[test]
fn default_rules_are_valid_and_match_the_game_settings() {
    let rules = SnakeRules::default();
    assert_eq!(rules.validate(), Ok(()));
    let game = Snake::new(rules).unwrap();
    let settings = game.settings();
    assert_eq!((settings.tick_rate, settings.capacity), (15, 10));
    assert_eq!(Snake::NAME, "snake");
    assert_eq!(game.rules.food_target(10), 13);
}

#[test]
fn rules_outside_their_bounds_are_rejected() {
    let bad = [
        SnakeRules {
            width: 9,
            ..SnakeRules::default()
        },
        SnakeRules {
            start_len: 1,
            ..SnakeRules::default()
        },
        SnakeRules {
            start_len: 25,
            ..SnakeRules::default()
        },
        SnakeRules {
            tick_rate: 0,
            ..SnakeRules::default()
        },
        SnakeRules {
            capacity: 0,
            ..SnakeRules::default()
        },
        SnakeRules {
            max_queued_turns: 0,
            ..SnakeRules::default()
        },
        SnakeRules {
            food_base: 2000,
            ..SnakeRules::default()
        },
    ];
    for rules in bad {
        assert!(rules.validate().is_err(), "{rules:?}");
        assert!(Snake::new(rules).is_err());
    }
}

#[test]
fn dir_opposite_and_delta_agree() {
    for dir in Dir::ALL {
        assert_eq!(dir.opposite().opposite(), dir);
        let (dx, dy) = dir.delta();
        let (ox, oy) = dir.opposite().delta();
        assert_eq!((dx + ox, dy + oy), (0, 0));
    }
    assert_eq!(Dir::Up.delta(), (0, -1));
    assert_eq!(Cell::new(0, 0).step(Dir::Up, 10, 10), None);
    assert_eq!(Cell::new(9, 0).step(Dir::Right, 10, 10), None);
    assert_eq!(
        Cell::new(3, 3).step(Dir::Down, 10, 10),
        Some(Cell::new(3, 4))
    );
}
