//! Snake in the browser: the [`tickwire_web::Frontend`] for snake, which Trunk builds with
//! `www/index.html`. Keys and swipes become turns, the own snake is predicted at the
//! present while the others are interpolated, and the page is told who crashed.
//!
//! Everything else (the connection, reconnects, acknowledgements, the lobby, rounds and the
//! page around the board) is the toolkit's.

#![deny(missing_docs)]

pub mod controls;
pub mod predict;
pub mod render;

use snake::{Dir, Snake, SnakeState};
use tickwire::PlayerId;
use tickwire_web::{Frontend, PlayerRow, Touch, runtime::Session};
use wasm_bindgen::{JsValue, prelude::wasm_bindgen};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::{
    controls::{Swipe, key_dir, turn},
    predict::OwnSnake,
};

/// Entry point: called by the generated JS once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    tickwire_web::run(SnakeFrontend::default())
}

/// Snake's part of the browser client.
#[derive(Debug, Default)]
pub struct SnakeFrontend {
    swipe: Swipe,
    /// The own snake as drawn, predicted.
    own: OwnSnake,
}

/// A heading as `data-state` names it: `"Up"` and so on, or `null`.
fn dir_json(dir: Option<Dir>) -> String {
    dir.map_or("null".to_owned(), |d| format!("\"{d:?}\""))
}

impl Frontend for SnakeFrontend {
    type Game = Snake;

    const HELP: &'static str = "Steer with the arrow keys, WASD, or swipe.";

    fn key_down(&mut self, code: &str, key: &str, session: &mut Session<Snake>) -> bool {
        let Some(dir) = key_dir(code, key) else {
            return false;
        };
        turn(dir, session);
        true
    }

    fn touch(&mut self, touch: Touch, session: &mut Session<Snake>) {
        if let Some(dir) = self.swipe.touch(touch) {
            turn(dir, session);
        }
    }

    fn draw(
        &mut self,
        canvas: &HtmlCanvasElement,
        ctx: &CanvasRenderingContext2d,
        session: &Session<Snake>,
        now: f64,
    ) {
        let own = self.own.predict(session, now);
        if let Some(frame) = session.timeline().frame(now) {
            render::draw(canvas, ctx, &frame, own);
        }
    }

    fn players(state: &SnakeState) -> Vec<PlayerRow> {
        state
            .snakes
            .iter()
            .map(|s| PlayerRow {
                player: s.player,
                name: s.name.clone(),
                score: i64::from(s.score),
                out: !s.alive,
            })
            .collect()
    }

    fn banner(&self, state: &SnakeState, me: PlayerId, tick_rate: u16) -> String {
        render::banner(state.snake(me), tick_rate)
    }

    /// `,"snakes":…,"alive":…,"dir":…,"shown":…`: `dir` is the server's heading of the own
    /// snake, `shown` the predicted one drawn.
    fn state_json(&self, state: Option<&SnakeState>, me: Option<PlayerId>) -> String {
        let snakes = state.map_or(0, |s| s.snakes.len());
        let mine = state.zip(me).and_then(|(s, me)| s.snake(me));
        let alive = mine.is_some_and(|s| s.alive);
        let dir = dir_json(mine.map(|s| s.dir));
        let shown = dir_json(self.own.heading.filter(|_| state.is_some()));
        format!(",\"snakes\":{snakes},\"alive\":{alive},\"dir\":{dir},\"shown\":{shown}")
    }

    fn left(&mut self) {
        self.own.forget();
    }
}

#[cfg(test)]
mod tests {
    use snake::{Cell, SnakeView};

    use super::*;

    fn state() -> SnakeState {
        let view = |id: u32, name: &str, score: u32, alive: bool| SnakeView {
            player: PlayerId(id),
            name: name.into(),
            body: if alive { vec![Cell::new(3, 3)] } else { vec![] },
            dir: Dir::Left,
            alive,
            score,
            respawn_in: if alive { 0 } else { 15 },
        };
        SnakeState {
            width: 64,
            height: 48,
            snakes: vec![view(1, "ann", 2, true), view(2, "bo", 5, false)],
            food: vec![],
        }
    }

    #[test]
    fn the_page_hears_of_every_snake_with_crashed_ones_out() {
        let rows = SnakeFrontend::players(&state());
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[1].name.as_str(), rows[1].score, rows[1].out),
            ("bo", 5, true)
        );
        assert!(!rows[0].out);
    }

    #[test]
    fn a_dead_player_is_told_when_it_comes_back() {
        let front = SnakeFrontend::default();
        let s = state();
        assert_eq!(
            front.banner(&s, PlayerId(2), 15),
            "You crashed! Back in 1.0 s"
        );
        assert_eq!(front.banner(&s, PlayerId(1), 15), "");
    }

    #[test]
    fn the_state_names_the_own_snakes_heading() {
        let mut front = SnakeFrontend::default();
        front.own.heading = Some(Dir::Up);
        let s = state();
        assert_eq!(
            front.state_json(Some(&s), Some(PlayerId(1))),
            r#","snakes":2,"alive":true,"dir":"Left","shown":"Up""#
        );
        assert_eq!(
            front.state_json(None, None),
            r#","snakes":0,"alive":false,"dir":null,"shown":null"#
        );
    }
}
