//! Pong in the browser: the [`tickwire_web::Frontend`] for pong, which Trunk builds with
//! `www/pong/index.html`. Held keys and a finger become the paddle's [`Motion`], the own
//! paddle is predicted at the present while the other paddle and the ball are interpolated,
//! and the page is told the score.
//!
//! Everything else (the connection, reconnects, acknowledgements, the lobby, rounds and the
//! page around the board) is the toolkit's.
//!
//! # Held controls and frozen worlds
//!
//! What the keys and finger hold is tracked in every phase, but an input goes out only
//! when it differs from what the server will apply (the last input sent until it is
//! acknowledged, then the newest state's own paddle) and the world moves. During a
//! countdown or the results nothing is sent; every display frame
//! ([`Frontend::update`]) compares again, so whatever is held when the world starts moving
//! (or was let go while it was frozen) reaches the server within a frame.
//!
//! # Touch
//!
//! A finger above the own paddle (as drawn) holds [`Motion::Up`], below it
//! [`Motion::Down`], on it [`Motion::Stop`]. A resting finger is measured against the
//! paddle again every frame, so the paddle stops when it reaches the finger; lifting it
//! stops the paddle.

#![deny(missing_docs)]

pub mod controls;
pub mod interpolate;
pub mod predict;
pub mod render;

use pong::{Motion, Pong, PongState, Side};
use tickwire::PlayerId;
use tickwire_web::{Frontend, PlayerRow, Touch, runtime::Session};
use wasm_bindgen::{JsValue, prelude::wasm_bindgen};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::{
    controls::{Controls, key_of, sync, touch_motion},
    predict::OwnPaddle,
    render::Letterbox,
};

/// Entry point: called by the generated JS once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    tickwire_web::run(PongFrontend::default())
}

/// Pong's part of the browser client.
#[derive(Debug, Default)]
pub struct PongFrontend {
    /// What the keys and the finger hold.
    controls: Controls,
    /// The own paddle as drawn, predicted.
    own: OwnPaddle,
    /// The board, kept from the first frame, to map touches to court units.
    canvas: Option<HtmlCanvasElement>,
    /// Where a finger rests on the board (page point), so the paddle stops when it
    /// reaches the finger even if the finger does not move.
    finger: Option<(f64, f64)>,
}

impl PongFrontend {
    /// What a finger at page point (`x`, `y`) asks of the own paddle as drawn, if seated.
    fn finger(&self, x: f64, y: f64, session: &Session<Pong>) -> Option<Motion> {
        let (_, state) = session.timeline().latest()?;
        let paddle = state.paddle(session.me()?)?;
        let rect = self.canvas.as_ref()?.get_bounding_client_rect();
        let view = Letterbox::fit(rect.width(), rect.height(), &state.court);
        let (_, court_y) = view.to_court((x - rect.left(), y - rect.top()));
        let paddle_y = self.own.shown_y().unwrap_or(f64::from(paddle.y));
        Some(touch_motion(court_y, paddle_y, state.court.paddle_height))
    }
}

/// A motion as `data-state` names it.
fn motion_json(motion: Motion) -> &'static str {
    match motion {
        Motion::Up => "\"up\"",
        Motion::Stop => "\"stop\"",
        Motion::Down => "\"down\"",
    }
}

/// A side as `data-state` names it.
fn side_json(side: Side) -> &'static str {
    match side {
        Side::Left => "\"left\"",
        Side::Right => "\"right\"",
    }
}

impl Frontend for PongFrontend {
    type Game = Pong;

    const HELP: &'static str =
        "Hold ↑/↓ or W/S to move your paddle; on a touch screen, touch above or below it.";

    /// A board shaped like the court: 16:10 and its walls.
    const STYLE: &'static str = "#board { aspect-ratio: 1600 / 1016; }";

    fn key_down(&mut self, code: &str, key: &str, session: &mut Session<Pong>) -> bool {
        let Some(key) = key_of(code, key) else {
            return false;
        };
        self.controls.press(key);
        sync(self.controls.held(), session);
        true
    }

    fn key_up(&mut self, code: &str, key: &str, session: &mut Session<Pong>) -> bool {
        let Some(key) = key_of(code, key) else {
            return false;
        };
        self.controls.release(key);
        sync(self.controls.held(), session);
        true
    }

    fn touch(&mut self, touch: Touch, session: &mut Session<Pong>) {
        self.finger = match touch {
            Touch::Start { x, y } | Touch::Move { x, y } => Some((x, y)),
            Touch::End => None,
        };
        let motion = self.finger.and_then(|(x, y)| self.finger(x, y, session));
        self.controls.touch(motion);
        sync(self.controls.held(), session);
    }

    /// Every frame: a resting finger is measured against the paddle again, and what is
    /// held is sent if the server would otherwise not hear it (released during a countdown,
    /// held since before the round began).
    fn update(&mut self, session: &mut Session<Pong>, _now: f64) {
        if let Some((x, y)) = self.finger {
            let motion = self.finger(x, y, session);
            self.controls.touch(motion);
        }
        sync(self.controls.held(), session);
    }

    fn draw(
        &mut self,
        canvas: &HtmlCanvasElement,
        ctx: &CanvasRenderingContext2d,
        session: &Session<Pong>,
        now: f64,
    ) {
        if self.canvas.is_none() {
            self.canvas = Some(canvas.clone());
        }
        let own = self.own.predict(session, now);
        if let Some(frame) = session.timeline().frame(now) {
            render::paint(canvas, ctx, &render::scene(&frame, own));
        }
    }

    fn players(state: &PongState) -> Vec<PlayerRow> {
        state
            .paddles
            .iter()
            .map(|p| PlayerRow {
                player: p.player,
                name: p.name.clone(),
                score: i64::from(p.score),
                out: false,
            })
            .collect()
    }

    fn banner(&self, state: &PongState, me: PlayerId, tick_rate: u16) -> String {
        render::banner(state, me, tick_rate)
    }

    /// `,"paddles":N,"side":…,"y":…,"motion":…,"held":…,"ball":[x,y]`:
    ///
    /// - `paddles`: how many are seated (0 without a state);
    /// - `side`: the own paddle's end, `"left"` or `"right"`, `null` when not seated;
    /// - `y`: the own paddle's centre in the newest server state, in court units (`null`);
    /// - `motion`: what the server says the own paddle holds, `"up"`, `"stop"` or
    ///   `"down"` (`null`);
    /// - `held`: what this page's keys or finger hold now, sent or not (`null` when not
    ///   seated);
    /// - `ball`: the ball's centre in the newest server state (`null` without a state).
    fn state_json(&self, state: Option<&PongState>, me: Option<PlayerId>) -> String {
        let paddles = state.map_or(0, |s| s.paddles.len());
        let mine = state.zip(me).and_then(|(s, me)| s.paddle(me));
        let side = mine.map_or("null", |p| side_json(p.side));
        let y = mine.map_or_else(|| "null".to_owned(), |p| p.y.to_string());
        let motion = mine.map_or("null", |p| motion_json(p.motion));
        let held = mine.map_or("null", |_| motion_json(self.controls.held()));
        let ball = state.map_or_else(
            || "null".to_owned(),
            |s| format!("[{},{}]", s.ball.x, s.ball.y),
        );
        format!(
            ",\"paddles\":{paddles},\"side\":{side},\"y\":{y},\"motion\":{motion},\"held\":{held},\"ball\":{ball}"
        )
    }

    fn left(&mut self) {
        *self = PongFrontend {
            canvas: self.canvas.take(),
            ..PongFrontend::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use pong::{BallView, PaddleView, PongRules};

    use super::*;
    use crate::controls::Key;

    fn state(paddles: &[(u32, Side, u32)]) -> PongState {
        PongState {
            court: PongRules::default().court(),
            paddles: paddles
                .iter()
                .map(|&(id, side, score)| PaddleView {
                    player: PlayerId(id),
                    name: format!("p{id}"),
                    side,
                    y: 476,
                    motion: Motion::Up,
                    score,
                })
                .collect(),
            ball: BallView {
                x: 800,
                y: 500,
                vx: 0,
                vy: 0,
            },
            serve_in: 0,
        }
    }

    #[test]
    fn the_page_hears_of_both_paddles_and_their_scores() {
        let rows = PongFrontend::players(&state(&[(1, Side::Left, 3), (2, Side::Right, 5)]));
        let rows: Vec<(u32, &str, i64, bool)> = rows
            .iter()
            .map(|r| (r.player.0, r.name.as_str(), r.score, r.out))
            .collect();
        assert_eq!(rows, [(1, "p1", 3, false), (2, "p2", 5, false)]);
    }

    #[test]
    fn the_state_names_the_own_paddle_what_the_server_and_the_page_hold() {
        let mut front = PongFrontend::default();
        front.controls.press(Key::ArrowDown);
        let s = state(&[(1, Side::Left, 0), (2, Side::Right, 0)]);
        assert_eq!(
            front.state_json(Some(&s), Some(PlayerId(2))),
            r#","paddles":2,"side":"right","y":476,"motion":"up","held":"down","ball":[800,500]"#
        );
        assert_eq!(
            front.state_json(Some(&s), None),
            r#","paddles":2,"side":null,"y":null,"motion":null,"held":null,"ball":[800,500]"#,
            "a spectator"
        );
        assert_eq!(
            front.state_json(None, None),
            r#","paddles":0,"side":null,"y":null,"motion":null,"held":null,"ball":null"#
        );
    }

    #[test]
    fn the_banner_says_practice_a_win_or_the_next_serve() {
        let front = PongFrontend::default();
        let alone = state(&[(1, Side::Left, 0)]);
        assert_eq!(
            front.banner(&alone, PlayerId(1), 30),
            "Practice: waiting for an opponent"
        );
        let mut rally = state(&[(1, Side::Left, 2), (2, Side::Right, 1)]);
        assert_eq!(front.banner(&rally, PlayerId(1), 30), "");
        rally.serve_in = 44;
        assert_eq!(
            front.banner(&rally, PlayerId(1), 30),
            "Point! Serve in 1.5 s"
        );
        let mut first = state(&[(1, Side::Left, 0), (2, Side::Right, 0)]);
        first.serve_in = 1;
        assert_eq!(front.banner(&first, PlayerId(2), 30), "Serve in 0.1 s");
        let won = state(&[(1, Side::Left, 11), (2, Side::Right, 7)]);
        assert_eq!(front.banner(&won, PlayerId(2), 30), "p1 wins the round!");
        assert_eq!(front.banner(&won, PlayerId(9), 30), "", "not seated");
    }

    #[test]
    fn leaving_forgets_what_was_held_and_shown() {
        let mut front = PongFrontend::default();
        front.controls.press(Key::KeyW);
        front.own.smoother.show(7, (0.0, 300.0), 0.0);
        assert_eq!(front.own.shown_y(), Some(300.0));
        front.left();
        assert_eq!(front.controls.held(), Motion::Stop);
        assert_eq!(front.own.shown_y(), None);
    }
}
