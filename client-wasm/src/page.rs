//! The page around the canvas: lobby form, status line, scoreboard, banner, and the
//! `data-state` attribute that tests and curious players can read.

use netcode::PlayerId;
use snake::SnakeState;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlCanvasElement, HtmlElement, HtmlInputElement, Window,
};

use crate::runtime::Phase;

/// Every element the client touches, looked up once.
#[derive(Debug)]
pub struct Page {
    pub window: Window,
    pub document: Document,
    pub body: HtmlElement,
    pub canvas: HtmlCanvasElement,
    pub ctx: CanvasRenderingContext2d,
    pub lobby: HtmlElement,
    pub name: HtmlInputElement,
    status: HtmlElement,
    scores: HtmlElement,
    banner: HtmlElement,
    notice: HtmlElement,
    /// What each element shows now, to touch the DOM only on change.
    shown: Shown,
}

#[derive(Debug, Default)]
struct Shown {
    status: String,
    scores: String,
    banner: String,
    notice: String,
    state: String,
    lobby: Option<bool>,
}

fn element<T: JsCast>(document: &Document, id: &str) -> Result<T, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("the page has no #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("#{id} is not the expected kind of element")))
}

impl Page {
    /// Finds the page's elements; fails with a message naming the missing one.
    pub fn find() -> Result<Page, JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let body = document.body().ok_or("no body")?;
        let canvas: HtmlCanvasElement = element(&document, "board")?;
        let ctx = canvas
            .get_context("2d")?
            .ok_or("no 2d context")?
            .dyn_into::<CanvasRenderingContext2d>()
            .map_err(|_| "not a 2d context")?;
        Ok(Page {
            lobby: element(&document, "lobby")?,
            name: element(&document, "name")?,
            status: element(&document, "status")?,
            scores: element(&document, "scores")?,
            banner: element(&document, "banner")?,
            notice: element(&document, "notice")?,
            window,
            document,
            body,
            canvas,
            ctx,
            shown: Shown::default(),
        })
    }

    /// Matches the canvas's backing store to its displayed size and the screen's pixel
    /// density, so drawing stays sharp.
    pub fn fit_canvas(&self) {
        let ratio = self.window.device_pixel_ratio().max(1.0);
        let width = (f64::from(self.canvas.client_width()) * ratio).round() as u32;
        let height = (f64::from(self.canvas.client_height()) * ratio).round() as u32;
        if width > 0 && (self.canvas.width() != width || self.canvas.height() != height) {
            self.canvas.set_width(width);
            self.canvas.set_height(height);
        }
    }

    /// Brings every text on the page up to date.
    pub fn show(&mut self, view: &View<'_>) {
        let status = view.status_line();
        if status != self.shown.status {
            self.status.set_text_content(Some(&status));
            self.shown.status = status;
        }
        let scores = view.scoreboard_html();
        if scores != self.shown.scores {
            self.scores.set_inner_html(&scores);
            self.shown.scores = scores;
        }
        let banner = view.banner();
        if banner != self.shown.banner {
            self.banner.set_text_content(Some(&banner));
            self.banner.set_hidden(banner.is_empty());
            self.shown.banner = banner;
        }
        let notice = view.notice.unwrap_or_default().to_owned();
        if notice != self.shown.notice {
            self.notice.set_text_content(Some(&notice));
            self.shown.notice = notice;
        }
        let lobby = matches!(view.phase, Phase::Lobby | Phase::Failed(_));
        if self.shown.lobby != Some(lobby) {
            self.lobby.set_hidden(!lobby);
            self.shown.lobby = Some(lobby);
        }
        let state = view.state_json();
        if state != self.shown.state {
            if let Err(e) = self.body.dataset().set("state", &state) {
                web_sys::console::warn_2(&"cannot set data-state".into(), &e);
            }
            self.shown.state = state;
        }
    }
}

/// What the page shows, gathered from the session each frame.
#[derive(Debug)]
pub struct View<'a> {
    pub phase: &'a Phase,
    pub now: f64,
    pub me: Option<PlayerId>,
    pub room: Option<u32>,
    pub rtt_ms: Option<f64>,
    pub tick_rate: u16,
    pub latest: Option<(u64, &'a SnakeState)>,
    pub notice: Option<&'a str>,
    /// The heading the own snake is drawn with: the server's, or a predicted turn.
    pub shown: Option<snake::Dir>,
    /// The room's round phase.
    pub match_phase: Option<netcode::MatchPhase>,
}

/// Escapes text for HTML. Names are already restricted by the server; this keeps the page
/// safe even if they were not.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl View<'_> {
    fn status_line(&self) -> String {
        let mut parts = vec![self.phase.name().to_owned()];
        if let Some(room) = self.room {
            parts.push(format!("room {room}"));
        }
        if let Some(rtt) = self.rtt_ms {
            parts.push(format!("ping {rtt:.0} ms"));
        }
        if let Some((tick, state)) = self.latest {
            parts.push(format!("tick {tick}"));
            parts.push(format!("{} players", state.snakes.len()));
        }
        parts.join(" · ")
    }

    fn scoreboard_html(&self) -> String {
        let Some((_, state)) = self.latest else {
            return String::new();
        };
        let mut snakes: Vec<_> = state.snakes.iter().collect();
        snakes.sort_by(|a, b| b.score.cmp(&a.score).then(a.player.cmp(&b.player)));
        snakes
            .iter()
            .take(10)
            .map(|s| {
                let mut class = Vec::new();
                if Some(s.player) == self.me {
                    class.push("me");
                }
                if !s.alive {
                    class.push("dead");
                }
                format!(
                    "<li class=\"{}\"><span>{}</span><b>{}</b></li>",
                    class.join(" "),
                    escape(&s.name),
                    s.score
                )
            })
            .collect()
    }

    fn banner(&self) -> String {
        match self.phase {
            Phase::Reconnecting { retry_at, attempt } => {
                let wait = ((retry_at - self.now) / 1000.0).max(0.0);
                if wait > 0.05 {
                    format!("Connection lost. Reconnecting in {wait:.1} s (attempt {attempt})…")
                } else {
                    format!("Connection lost. Reconnecting (attempt {attempt})…")
                }
            }
            Phase::Connecting => "Connecting…".into(),
            Phase::Failed(message) => message.clone(),
            Phase::Lobby => String::new(),
            Phase::Playing => {
                let mine = self
                    .latest
                    .zip(self.me)
                    .and_then(|((_, s), me)| s.snake(me));
                match mine {
                    Some(s) if !s.alive && s.respawn_in > 0 => format!(
                        "You crashed! Back in {:.1} s",
                        f64::from(s.respawn_in) / f64::from(self.tick_rate.max(1))
                    ),
                    Some(s) if !s.alive => "Waiting for a free spot…".into(),
                    _ => String::new(),
                }
            }
        }
    }

    /// `{"phase":…,"tick":…,"me":…,"snakes":…,"alive":…,"dir":…,"shown":…}`, for tests and
    /// tools: `dir` is the server's heading of the own snake, `shown` the predicted one drawn.
    pub fn state_json(&self) -> String {
        let tick = self.latest.map_or(0, |(t, _)| t);
        let snakes = self.latest.map_or(0, |(_, s)| s.snakes.len());
        let mine = self
            .latest
            .zip(self.me)
            .and_then(|((_, s), me)| s.snake(me));
        let me = self.me.map_or("null".to_owned(), |p| p.0.to_string());
        let alive = mine.is_some_and(|s| s.alive);
        let dir = mine.map_or("null".to_owned(), |s| format!("\"{:?}\"", s.dir));
        let shown = self
            .shown
            .map_or("null".to_owned(), |d| format!("\"{d:?}\""));
        let round = match self.match_phase {
            None => "null",
            Some(netcode::MatchPhase::Waiting { .. }) => "\"waiting\"",
            Some(netcode::MatchPhase::Countdown { .. }) => "\"countdown\"",
            Some(netcode::MatchPhase::Running { .. }) => "\"running\"",
            Some(netcode::MatchPhase::Ended { .. }) => "\"ended\"",
        };
        format!(
            "{{\"phase\":\"{}\",\"tick\":{tick},\"me\":{me},\"snakes\":{snakes},\"alive\":{alive},\"dir\":{dir},\"shown\":{shown},\"round\":{round}}}",
            self.phase.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use snake::{Cell, Dir, SnakeView};

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
            snakes: vec![view(1, "ann", 2, true), view(2, "<b>bo</b>", 5, false)],
            food: vec![],
        }
    }

    fn view<'a>(phase: &'a Phase, state: &'a SnakeState, me: u32) -> View<'a> {
        View {
            phase,
            now: 0.0,
            me: Some(PlayerId(me)),
            room: Some(1),
            rtt_ms: Some(12.4),
            tick_rate: 15,
            latest: Some((40, state)),
            notice: None,
            shown: Some(Dir::Up),
            match_phase: Some(netcode::MatchPhase::Running { ticks_left: 9 }),
        }
    }

    #[test]
    fn the_state_attribute_is_json_for_tests() {
        let s = state();
        assert_eq!(
            view(&Phase::Playing, &s, 1).state_json(),
            r#"{"phase":"playing","tick":40,"me":1,"snakes":2,"alive":true,"dir":"Left","shown":"Up","round":"running"}"#
        );
    }

    #[test]
    fn the_scoreboard_ranks_by_score_and_escapes_names() {
        let s = state();
        let html = view(&Phase::Playing, &s, 1).scoreboard_html();
        assert!(
            html.starts_with("<li class=\"dead\"><span>&lt;b&gt;bo&lt;/b&gt;</span><b>5</b></li>"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"me\"><span>ann</span><b>2</b></li>"),
            "{html}"
        );
    }

    #[test]
    fn a_dead_player_is_told_when_it_comes_back() {
        let s = state();
        assert_eq!(
            view(&Phase::Playing, &s, 2).banner(),
            "You crashed! Back in 1.0 s"
        );
        assert_eq!(view(&Phase::Playing, &s, 1).banner(), "");
    }

    #[test]
    fn the_status_line_shows_state_ping_tick_and_players() {
        let s = state();
        assert_eq!(
            view(&Phase::Playing, &s, 1).status_line(),
            "playing · room 1 · ping 12 ms · tick 40 · 2 players"
        );
    }
}
