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

use snake::{Dir, Snake, SnakeInput, SnakeState};
use tickwire::PlayerId;
use tickwire_web::{
    Frontend, PlayerRow, Touch,
    runtime::Session,
    smooth::{Point, Smoother},
};
use wasm_bindgen::{JsValue, prelude::wasm_bindgen};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::{
    controls::{Swipe, key_dir},
    predict::{MAX_SMOOTHED_CELLS, next_heading, own_path},
    render::Own,
};

/// Entry point: called by the generated JS once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    tickwire_web::run(SnakeFrontend::default())
}

/// Snake's part of the browser client.
#[derive(Debug)]
pub struct SnakeFrontend {
    swipe: Swipe,
    /// Blends away mispredictions of the own snake.
    smoother: Smoother,
    /// The own snake's head as last drawn, and the server tick its prediction started from.
    shown_head: Option<(u64, Point)>,
    /// The heading the own snake was last drawn with.
    shown_dir: Option<Dir>,
}

impl Default for SnakeFrontend {
    fn default() -> Self {
        SnakeFrontend {
            swipe: Swipe::default(),
            smoother: Smoother::new(MAX_SMOOTHED_CELLS),
            shown_head: None,
            shown_dir: None,
        }
    }
}

impl SnakeFrontend {
    /// Sends a turn unless it repeats the heading the snake already has or will have.
    fn turn(&mut self, dir: Dir, session: &mut Session<Snake>) {
        let Some(me) = session.me() else { return };
        if !session.world_moves() {
            return; // Frozen for a countdown or the results: the server would drop the turn.
        }
        // The turn the server has not applied yet, else the snake's heading.
        let heading = session.pending_input().map(|input| input.dir).or_else(|| {
            let (_, state) = session.timeline().latest()?;
            state.snake(me).filter(|s| s.alive).map(|s| s.dir)
        });
        if heading != Some(dir) {
            session.send_input(SnakeInput { dir });
        }
    }

    /// The own snake at the present: the newest server state moved on by the time since it
    /// arrived, in the heading the player chose, with mispredictions blended away.
    fn predict_own(
        &mut self,
        session: &Session<Snake>,
        now: f64,
    ) -> Option<(PlayerId, Option<Vec<Point>>, String)> {
        self.shown_dir = None;
        let me = session.me()?;
        let timeline = session.timeline();
        let (tick, state) = timeline.latest()?;
        let view = state.snake(me)?;
        if !view.alive {
            self.shown_head = None;
            return Some((me, None, view.name.clone()));
        }
        let pending = session.pending_input().map(|input| input.dir);
        let progress = (now - timeline.latest_at()) / timeline.period_ms();
        let heading = next_heading(view.dir, pending);
        self.shown_dir = Some(heading);
        let mut path = own_path(view, heading, progress, state.width, state.height);
        let head = path.first_mut()?;
        if let Some((shown_tick, shown)) = self.shown_head
            && shown_tick != tick
        {
            self.smoother.correct(shown, *head, now);
        }
        *head = self.smoother.apply(*head, now);
        self.shown_head = Some((tick, *head));
        Some((me, Some(path), view.name.clone()))
    }
}

impl Frontend for SnakeFrontend {
    type Game = Snake;

    const HELP: &'static str = "Steer with the arrow keys, WASD, or swipe.";

    fn key_down(&mut self, code: &str, key: &str, session: &mut Session<Snake>) -> bool {
        let Some(dir) = key_dir(code, key) else {
            return false;
        };
        self.turn(dir, session);
        true
    }

    fn touch(&mut self, touch: Touch, session: &mut Session<Snake>) {
        match touch {
            Touch::Start { x, y } => self.swipe.start(x, y),
            Touch::Move { x, y } => {
                if let Some(dir) = self.swipe.moved(x, y) {
                    self.turn(dir, session);
                }
            }
            Touch::End => self.swipe.end(),
        }
    }

    fn draw(
        &mut self,
        canvas: &HtmlCanvasElement,
        ctx: &CanvasRenderingContext2d,
        session: &Session<Snake>,
        now: f64,
    ) {
        let own = self.predict_own(session, now);
        if let Some(frame) = session.timeline().frame(now) {
            let own = own.as_ref().map(|(player, path, name)| Own {
                player: *player,
                path: path.as_deref(),
                name,
            });
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
        match state.snake(me) {
            Some(s) if !s.alive && s.respawn_in > 0 => format!(
                "You crashed! Back in {:.1} s",
                f64::from(s.respawn_in) / f64::from(tick_rate.max(1))
            ),
            Some(s) if !s.alive => "Waiting for a free spot…".into(),
            _ => String::new(),
        }
    }

    /// `,"snakes":…,"alive":…,"dir":…,"shown":…`: `dir` is the server's heading of the own
    /// snake, `shown` the predicted one drawn.
    fn state_json(&self, state: Option<&SnakeState>, me: Option<PlayerId>) -> String {
        let snakes = state.map_or(0, |s| s.snakes.len());
        let mine = state.zip(me).and_then(|(s, me)| s.snake(me));
        let alive = mine.is_some_and(|s| s.alive);
        let dir = mine.map_or("null".to_owned(), |s| format!("\"{:?}\"", s.dir));
        let shown = self
            .shown_dir
            .filter(|_| state.is_some())
            .map_or("null".to_owned(), |d| format!("\"{d:?}\""));
        format!(",\"snakes\":{snakes},\"alive\":{alive},\"dir\":{dir},\"shown\":{shown}")
    }

    fn left(&mut self) {
        self.shown_head = None;
        self.shown_dir = None;
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
        let front = SnakeFrontend {
            shown_dir: Some(Dir::Up),
            ..SnakeFrontend::default()
        };
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
