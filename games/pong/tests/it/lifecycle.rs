//! Seats, joins, leaves, rejoins, round starts and the room's settings.

use pong::testing::Stepper;
use pong::{BallView, Motion, Pong, PongRules, Side};
use tickwire::Wire;
use tickwire_game::Game;

use crate::{ball, endless, p, room};

#[test]
fn the_game_names_itself_and_its_room_settings() {
    let game = Pong::default();
    assert_eq!(
        (Pong::NAME, Pong::VERSION),
        ("pong", 2),
        "2: derived deltas"
    );
    let settings = game.settings();
    assert_eq!((settings.tick_rate, settings.capacity), (30, 2));
    assert_eq!(PongRules::default().validate(), Ok(()));
    assert!(Pong::new(PongRules::default()).is_ok());
}

#[test]
fn rules_that_would_break_the_physics_are_refused() {
    let bad = [
        PongRules {
            width: 100,
            ..PongRules::default()
        },
        PongRules {
            ball_radius: 0,
            ..PongRules::default()
        },
        PongRules {
            serve_ticks: 0,
            ..PongRules::default()
        },
        PongRules {
            paddle_height: 600,
            ..PongRules::default()
        },
        PongRules {
            paddle_inset: 500,
            ..PongRules::default()
        },
        PongRules {
            max_speed: 400,
            ..PongRules::default()
        },
        PongRules {
            max_slope_pct: 1_000,
            ..PongRules::default()
        },
        PongRules {
            serve_speed: 50,
            ..PongRules::default()
        },
        PongRules {
            tick_rate: 0,
            ..PongRules::default()
        },
    ];
    for rules in bad {
        assert!(Pong::new(rules.clone()).is_err(), "{rules:?}");
    }
}

#[test]
fn players_take_the_left_then_the_right_paddle() {
    let mut room = room(&[5, 3]);
    let state = room.state();
    assert_eq!(state.paddle(p(5)).unwrap().side, Side::Left);
    assert_eq!(state.paddle(p(3)).unwrap().side, Side::Right);
    let order: Vec<_> = state.paddles.iter().map(|paddle| paddle.player).collect();
    assert_eq!(order, vec![p(3), p(5)], "sorted by player id");
}

#[test]
fn a_third_player_is_not_seated() {
    let mut room = room(&[1, 2, 3]);
    let state = room.state();
    assert_eq!(state.paddles.len(), 2);
    assert!(state.paddle(p(3)).is_none());
    assert_eq!(room.scores().len(), 2);
}

#[test]
fn a_leaver_frees_their_side_for_the_next_joiner() {
    let mut room = room(&[1, 2]);
    room.leave(p(1));
    room.join(p(3));
    let state = room.state();
    assert_eq!(state.paddle(p(3)).unwrap().side, Side::Left);
    assert_eq!(state.paddle(p(2)).unwrap().side, Side::Right);
    room.leave(p(2));
    room.join(p(4));
    assert_eq!(room.state().paddle(p(4)).unwrap().side, Side::Right);
}

#[test]
fn a_player_who_rejoins_starts_afresh_on_the_free_side() {
    let mut room = room(&[1, 2]);
    room.place_paddle(p(1), 100);
    room.place_ball(ball(200, 800, -30, 0));
    room.step_n(20);
    assert_eq!(room.state().paddle(p(2)).unwrap().score, 1);
    room.hold(p(2), Motion::Up);
    room.leave(p(2));
    assert_eq!(room.state().paddles.len(), 1);
    room.join(p(2));
    let paddle = room.state().paddle(p(2)).cloned().unwrap();
    assert_eq!(
        (paddle.side, paddle.y, paddle.motion, paddle.score),
        (Side::Right, 500, Motion::Stop, 0)
    );
}

#[test]
fn joining_twice_changes_nothing() {
    let mut room = room(&[1]);
    room.hold(p(1), Motion::Down);
    room.step();
    let before = room.state();
    room.join_named(p(1), "someone else");
    assert_eq!(room.state(), before);
}

#[test]
fn names_are_kept_as_given() {
    let mut room = Stepper::new(endless(), 1);
    room.join_named(p(1), "  Zoë <b>  ");
    assert_eq!(room.state().paddle(p(1)).unwrap().name, "  Zoë <b>  ");
}

#[test]
fn start_round_resets_scores_paddles_and_the_serve() {
    let rules = endless();
    let mut room = room(&[1, 2]);
    room.place_paddle(p(1), 100);
    room.place_ball(ball(200, 800, -30, 0));
    room.step_n(rules.serve_ticks as usize + 20);
    room.hold(p(1), Motion::Down);
    room.step_n(3);
    let state = room.state();
    assert_eq!(state.paddle(p(2)).unwrap().score, 1);
    assert_eq!(state.serve_in, 0, "back in play");

    room.start_round();
    let state = room.state();
    assert_eq!(room.scores(), vec![(p(1), 0), (p(2), 0)]);
    for paddle in &state.paddles {
        assert_eq!(paddle.y, 500);
    }
    assert_eq!(
        state.paddle(p(1)).unwrap().motion,
        Motion::Down,
        "what a player holds is theirs"
    );
    assert_eq!(
        state.ball,
        BallView {
            x: 800,
            y: 500,
            vx: 0,
            vy: 0
        }
    );
    assert_eq!(state.serve_in, rules.serve_ticks);
}

#[test]
fn a_new_room_serves_after_the_first_player_joins() {
    let rules = endless();
    let mut room = Stepper::new(rules.clone(), 9);
    let state = room.step_n(100);
    assert_eq!(state.serve_in, rules.serve_ticks, "nobody to serve to");
    room.join(p(1));
    let state = room.step_n(usize::from(rules.serve_ticks));
    assert_eq!(state.serve_in, 0);
    assert_eq!(state.ball.vx.unsigned_abs(), rules.serve_speed);
}
