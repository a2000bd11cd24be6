//! The hooks a game gives the browser client: how the player's keys and touches become
//! inputs, how a frame is drawn, and what the page says about the players. The toolkit runs
//! everything else: the connection, reconnects, acknowledgements, the timeline that
//! interpolates snapshots, the lobby, rooms, rounds, results and the page around the board.

use tickwire::{PlayerId, Wire};

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::runtime::Session;

/// The snapshot type of a frontend's game.
pub type SnapshotOf<F> = <<F as Frontend>::Game as Wire>::Snapshot;

/// A game's part of the browser client. [`crate::run`] starts a page with it.
///
/// Every method runs on the page's one thread, from an event handler or the display frame
/// loop; none may block. Inputs go to the server through [`Session::send_input`], which
/// numbers them and does nothing while the player is not seated.
pub trait Frontend: 'static {
    /// The game this frontend plays.
    type Game: Wire;

    /// A line under the lobby saying how to play, such as the keys; empty by default.
    const HELP: &'static str = "";

    /// CSS for the game's own needs (say, the board's aspect ratio), after the toolkit's;
    /// empty by default.
    const STYLE: &'static str = "";

    /// A key went down while the page, not the name field, had the keyboard. `code` is the
    /// physical key (`KeyboardEvent.code`, layout-independent), `key` the character or
    /// named key. Returns whether the game used it; if so the browser's own action (such as
    /// scrolling) is prevented.
    fn key_down(&mut self, code: &str, key: &str, session: &mut Session<Self::Game>) -> bool;

    /// A key went up. Games with held controls stop here; the default ignores it.
    fn key_up(&mut self, code: &str, key: &str, session: &mut Session<Self::Game>) -> bool {
        let _ = (code, key, session);
        false
    }

    /// A finger on the board. The default ignores touches.
    fn touch(&mut self, touch: Touch, session: &mut Session<Self::Game>) {
        let _ = (touch, session);
    }

    /// Once per display frame at page time `now` (ms), after the session took in what
    /// arrived and before drawing: for inputs that depend on time or on the newest state
    /// rather than on an event, such as a held control the server should hear again once
    /// the world moves, or a finger resting on the board. The default does nothing.
    fn update(&mut self, session: &mut Session<Self::Game>, now: f64) {
        let _ = (session, now);
    }

    /// Draws one display frame on the board at page time `now` (ms). The canvas's backing
    /// store already matches its displayed size at the screen's pixel density. Draw from
    /// [`Session::timeline`]: its `frame(now)` gives the two snapshots to interpolate
    /// between, `latest` the newest one, for predicting the player's own entity.
    fn draw(
        &mut self,
        canvas: &HtmlCanvasElement,
        ctx: &CanvasRenderingContext2d,
        session: &Session<Self::Game>,
        now: f64,
    );

    /// Everyone in `state`, for the scoreboard, the status line and a round's results.
    fn players(state: &SnapshotOf<Self>) -> Vec<PlayerRow>;

    /// A line over the board for player `me` while the world moves, such as how long until
    /// it is back in play; empty for none (the default).
    fn banner(&self, state: &SnapshotOf<Self>, me: PlayerId, tick_rate: u16) -> String {
        let _ = (state, me, tick_rate);
        String::new()
    }

    /// The game's own members of the page's `data-state` JSON, which end-to-end tests read:
    /// `,"name":value` pairs, each starting with a comma, or empty (the default).
    fn state_json(&self, state: Option<&SnapshotOf<Self>>, me: Option<PlayerId>) -> String {
        let _ = (state, me);
        String::new()
    }

    /// The player left the room for the lobby: forget what belonged to it.
    fn left(&mut self) {}
}

/// A finger on the board, in CSS pixels of the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Touch {
    /// A finger touched down.
    Start {
        /// Page x.
        x: f64,
        /// Page y.
        y: f64,
    },
    /// It moved.
    Move {
        /// Page x.
        x: f64,
        /// Page y.
        y: f64,
    },
    /// It lifted.
    End,
}

/// One player as the page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerRow {
    /// The player.
    pub player: PlayerId,
    /// Their name.
    pub name: String,
    /// Their score this round.
    pub score: i64,
    /// Out of play for now (waiting to come back): listed dimmed.
    pub out: bool,
}
