//! The rules of pong as small systems, one step of a tick each, chained by [`build_room`] in
//! the order documented there (each relies on the ones before it having run), and what a
//! player joining, holding a motion and a new round do to the room.

use bevy_ecs::prelude::{IntoScheduleConfigs, Query, Res, ResMut, Schedule, World};
use tickwire::PlayerId;

use crate::components::{Ball, Held, Paddle, Player, Rng, Roster, Rules, Score, Serve, Tick};
use crate::physics::{Flight, index, step_ball};
use crate::protocol::{BallView, Motion, Side};
use crate::rules::PongRules;
use tickwire_game::SplitMix64;

/// A new room playing by `rules`, its randomness seeded by `seed`: the resources the systems
/// share (the first serve goes to a random side), and the schedule of one tick.
pub(crate) fn build_room(world: &mut World, schedule: &mut Schedule, rules: &PongRules, seed: u64) {
    let mut rng = SplitMix64::new(seed);
    world.insert_resource(Serve {
        in_ticks: rules.serve_ticks,
        toward: random_side(&mut rng),
    });
    world.insert_resource(Rules(rules.clone()));
    world.insert_resource(Rng(rng));
    world.insert_resource(Ball(resting(rules)));
    world.insert_resource(Tick::default());
    // One tick, in this order. Each step sees the results of the ones before it.
    schedule.add_systems(
        (
            // The tick this run produces.
            advance_tick,
            // Paddles first, so the ball meets them where clients will see them.
            move_paddles,
            // Before the ball moves, so a ball served this tick moves this tick too.
            count_down_serve,
            // Walls, paddles, points; a point restarts the serve countdown.
            move_ball,
        )
            .chain(),
    );
}

/// Seats `player` on the left if it is free, else on the right, with the paddle centred and
/// still. A player already seated is left as is; when both sides are taken (only if a server
/// raises the capacity) the player is not seated and just watches.
pub(crate) fn seat(world: &mut World, player: PlayerId, name: &str) {
    let Some(rules) = world.get_resource::<Rules>() else {
        return;
    };
    let y = rules.0.court().centre().1;
    let mut paddles = world.query::<&Paddle>();
    let taken: Vec<Side> = paddles.iter(world).map(|p| p.side).collect();
    let Some(side) = Side::ALL.into_iter().find(|s| !taken.contains(s)) else {
        return;
    };
    let name = name.to_owned();
    let paddle = (Player { name }, Paddle { side, y });
    Roster::seat(world, player, (paddle, Held::default(), Score::default()));
}

/// `player` now holds `motion`: the latest input before a tick wins. Inputs of players
/// without a paddle are dropped.
pub(crate) fn hold(world: &mut World, player: PlayerId, motion: Motion) {
    if let Some(mut held) = Roster::component_mut::<Held>(world, player) {
        held.0 = motion;
    }
}

/// A new round: scores go to 0, paddles to the centre, and the ball to rest at the centre,
/// served after `serve_ticks` toward a random side. What players hold is kept: it is the
/// state of their keys, which the round start does not change.
pub(crate) fn start_round(world: &mut World) {
    let Some(rules) = world.get_resource::<Rules>().map(|r| r.0.clone()) else {
        return;
    };
    let centre = rules.court().centre().1;
    let mut paddles = world.query::<(&mut Paddle, &mut Score)>();
    for (mut paddle, mut score) in paddles.iter_mut(world) {
        paddle.y = centre;
        score.0 = 0;
    }
    let toward = world
        .get_resource_mut::<Rng>()
        .map_or(Side::Left, |mut rng| random_side(&mut rng.0));
    world.insert_resource(Ball(resting(&rules)));
    world.insert_resource(Serve {
        in_ticks: rules.serve_ticks,
        toward,
    });
}

/// Whether someone has won the round ([`PongRules::won`]).
pub(crate) fn round_won(world: &mut World) -> bool {
    let Some(rules) = world.get_resource::<Rules>().map(|r| r.0.clone()) else {
        return false;
    };
    world.query::<&Score>().iter(world).any(|s| rules.won(s.0))
}

/// Counts the tick this schedule run produces.
pub(crate) fn advance_tick(mut tick: ResMut<Tick>) {
    tick.0 = tick.0.wrapping_add(1);
}

/// Every paddle moves `paddle_speed` the way its player holds, stopping at the walls.
pub(crate) fn move_paddles(rules: Res<Rules>, mut paddles: Query<(&mut Paddle, &Held)>) {
    let (low, high) = rules.0.court().paddle_range();
    let step = i32::from(rules.0.paddle_speed);
    for (mut paddle, held) in &mut paddles {
        let y = i32::from(paddle.y) + i32::from(held.0.sign()) * step;
        let y = y.clamp(i32::from(low), i32::from(high));
        paddle.y = u16::try_from(y).unwrap_or(paddle.y);
    }
}

/// Counts down to the next serve and launches the ball when it reaches 0. Holds the ball at
/// the centre, countdown full, while nobody is seated or once someone has won the round.
pub(crate) fn count_down_serve(
    rules: Res<Rules>,
    mut serve: ResMut<Serve>,
    mut ball: ResMut<Ball>,
    mut rng: ResMut<Rng>,
    paddles: Query<&Score>,
) {
    if paddles.is_empty() || paddles.iter().any(|s| rules.0.won(s.0)) {
        serve.in_ticks = rules.0.serve_ticks;
        ball.0 = resting(&rules.0);
        return;
    }
    if serve.in_ticks == 0 {
        return;
    }
    serve.in_ticks -= 1;
    if serve.in_ticks == 0 {
        ball.0 = launched(&rules.0, serve.toward, &mut rng.0);
    }
}

/// The ball in play flies one tick (see [`step_ball`]). A miss scores for the paddle on the
/// other side, if any, and sets the ball to rest at the centre, to be served toward the side
/// that conceded after `serve_ticks`.
pub(crate) fn move_ball(
    rules: Res<Rules>,
    mut serve: ResMut<Serve>,
    mut ball: ResMut<Ball>,
    mut paddles: Query<(&Paddle, &mut Score)>,
) {
    if serve.in_ticks > 0 {
        return;
    }
    let mut ys = [None; 2];
    for (paddle, _) in &paddles {
        ys[index(paddle.side)] = Some(paddle.y);
    }
    let (moved, flight) = step_ball(&rules.0.court(), ball.0, ys);
    ball.0 = moved;
    if let Flight::Missed(conceded) = flight {
        for (paddle, mut score) in &mut paddles {
            if paddle.side == conceded.opposite() {
                score.0 = score.0.saturating_add(1);
            }
        }
        ball.0 = resting(&rules.0);
        *serve = Serve {
            in_ticks: rules.0.serve_ticks,
            toward: conceded,
        };
    }
}

/// The ball at the centre, waiting to be served.
pub(crate) fn resting(rules: &PongRules) -> BallView {
    let (x, y) = rules.court().centre();
    BallView { x, y, vx: 0, vy: 0 }
}

/// The ball just served from the centre toward `toward`, at `serve_speed` with a random
/// vertical speed within `serve_spread`.
fn launched(rules: &PongRules, toward: Side, rng: &mut SplitMix64) -> BallView {
    let vy = rng.spread(rules.serve_spread);
    let vx = i32::from(toward.sign()) * i32::from(rules.serve_speed);
    BallView {
        vx: i16::try_from(vx).unwrap_or(0),
        vy: i16::try_from(vy).unwrap_or(0),
        ..resting(rules)
    }
}

/// A random end for a round's first serve.
pub(crate) fn random_side(rng: &mut SplitMix64) -> Side {
    Side::ALL[rng.below(2) % 2]
}
