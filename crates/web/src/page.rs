//! The page around the canvas: the lobby (name, quick play, private rooms, the public room
//! list), the room bar (where, invite link, leave), status line, scoreboard, leaderboard,
//! banner, the round's overlays, and the `data-state` attribute that tests and curious
//! players can read.

use tickwire::{MatchPhase, PlayerId, Role};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlButtonElement, HtmlCanvasElement, HtmlElement,
    HtmlInputElement, Window,
};

use crate::{frontend::PlayerRow, hud, runtime::Phase, saved, text::escape};

/// Every element the client touches, looked up once.
#[derive(Debug)]
pub struct Page {
    /// The browser window.
    pub window: Window,
    /// The page.
    pub document: Document,
    /// `<body>`, which carries the `data-state` JSON.
    pub body: HtmlElement,
    /// `#board`, the game's canvas.
    pub canvas: HtmlCanvasElement,
    /// Its 2D context.
    pub ctx: CanvasRenderingContext2d,
    /// `#lobby`, the form shown outside a room.
    pub lobby: HtmlElement,
    /// `#name`, the player's name.
    pub name: HtmlInputElement,
    /// Quick play, or with an invitation, play in that room.
    pub play: HtmlButtonElement,
    /// Opens a new private room.
    pub create: HtmlButtonElement,
    /// The public rooms; clicks on their buttons bubble up to it.
    pub rooms: HtmlElement,
    /// Leaves the room for the lobby.
    pub leave: HtmlButtonElement,
    /// Copies the invite link.
    pub copy: HtmlButtonElement,
    /// The invite link of a private room, in a read-only field to select and copy.
    pub share: HtmlInputElement,
    /// Drops the invitation of a `?room=` link.
    pub uninvite: HtmlButtonElement,
    status: HtmlElement,
    scores: HtmlElement,
    scores_panel: HtmlElement,
    leaders: HtmlElement,
    banner: HtmlElement,
    notice: HtmlElement,
    joining: HtmlElement,
    place: HtmlElement,
    invite: HtmlElement,
    round: HtmlElement,
    countdown: HtmlElement,
    results: HtmlElement,
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
    place: String,
    round: String,
    countdown: String,
    results: String,
    invitation: Option<Option<String>>,
    /// The room whose invite link is shown.
    invite_code: Option<String>,
    rooms: String,
    leaders: String,
}

/// Sets `element`'s text and hides it when empty, if that changed since `shown`.
fn show_text(element: &HtmlElement, shown: &mut String, text: String) {
    if text != *shown {
        element.set_text_content(Some(&text));
        element.set_hidden(text.is_empty());
        *shown = text;
    }
}

/// Sets `element`'s HTML and hides it when empty, if that changed since `shown`.
fn show_html(element: &HtmlElement, shown: &mut String, html: String) {
    if html != *shown {
        element.set_inner_html(&html);
        element.set_hidden(html.is_empty());
        *shown = html;
    }
}

/// Looks elements up by id, remembering the first that is missing or of the wrong kind
/// instead of returning at once: with an early return per element, the code to drop the
/// ones already found was repeated for each, and cost kilobytes.
struct Finder {
    document: Document,
    error: Option<JsValue>,
}

impl Finder {
    fn get<T: JsCast>(&mut self, id: &str) -> T {
        let found = self.document.get_element_by_id(id);
        match found.map(JsCast::dyn_into::<T>) {
            Some(Ok(element)) => element,
            missing_or_wrong => {
                self.fail(id, missing_or_wrong.is_none());
                JsValue::UNDEFINED.unchecked_into()
            }
        }
    }

    #[inline(never)]
    fn fail(&mut self, id: &str, missing: bool) {
        let problem = if missing {
            "is missing"
        } else {
            "is not the expected kind of element"
        };
        self.error
            .get_or_insert_with(|| format!("the page's #{id} {problem}").into());
    }
}

/// The page's markup, which the toolkit puts on any page that lacks it: a game's HTML needs
/// no more than its `<title>` and the link Trunk builds it from.
const MARKUP: &str = include_str!("page.html");

/// The page's style, put first in `<head>` so a game's own rules override it.
const STYLE: &str = include_str!("page.css");

impl Page {
    /// Puts the toolkit's page (headed `title`, with `help` under the lobby, and the
    /// toolkit's style followed by `style`) on the document, unless it already has a board.
    pub fn build(title: &str, help: &str, style: &str) -> Result<(), JsValue> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        if document.get_element_by_id("board").is_some() {
            return Ok(());
        }
        let css = document.create_element("style")?;
        css.set_text_content(Some(&[STYLE, style].concat()));
        document
            .head()
            .ok_or("no head")?
            .prepend_with_node_1(&css)?;
        let markup = MARKUP
            .replace("{title}", &escape(title))
            .replace("{help}", &escape(help));
        document
            .body()
            .ok_or("no body")?
            .insert_adjacent_html("afterbegin", &markup)
    }

    /// Finds the page's elements; fails with a message naming the missing one.
    pub fn find() -> Result<Page, JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let body = document.body().ok_or("no body")?;
        let mut find = Finder {
            document: document.clone(),
            error: None,
        };
        let canvas: HtmlCanvasElement = find.get("board");
        if let Some(error) = find.error {
            return Err(error);
        }
        let ctx = canvas
            .get_context("2d")?
            .ok_or("no 2d context")?
            .dyn_into::<CanvasRenderingContext2d>()
            .map_err(|_| "not a 2d context")?;
        let page = Page {
            lobby: find.get("lobby"),
            name: find.get("name"),
            play: find.get("play"),
            create: find.get("create"),
            rooms: find.get("rooms"),
            leave: find.get("leave"),
            copy: find.get("copy"),
            share: find.get("share"),
            uninvite: find.get("uninvite"),
            status: find.get("status"),
            scores: find.get("scores"),
            scores_panel: find.get("scores-panel"),
            leaders: find.get("leaders"),
            banner: find.get("banner"),
            notice: find.get("notice"),
            joining: find.get("joining"),
            place: find.get("place"),
            invite: find.get("invite"),
            round: find.get("round"),
            countdown: find.get("countdown"),
            results: find.get("results"),
            window,
            document,
            body,
            canvas,
            ctx,
            shown: Shown::default(),
        };
        match find.error {
            Some(error) => Err(error),
            None => Ok(page),
        }
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

    /// Replaces the public room list (`<li>` rows) if it changed, so a button is never
    /// swapped out under a finger for an identical one.
    pub fn show_rooms(&mut self, html: String) {
        if html != self.shown.rooms {
            self.rooms.set_inner_html(&html);
            self.shown.rooms = html;
        }
    }

    /// Replaces the leaderboard (`<li>` rows) if it changed.
    pub fn show_leaders(&mut self, html: String) {
        if html != self.shown.leaders {
            self.leaders.set_inner_html(&html);
            self.shown.leaders = html;
        }
    }

    /// Says in the lobby which room Play joins: the invited one, or any (quick play).
    pub fn show_invitation(&mut self, invite: Option<&str>) {
        let wanted = invite.map(str::to_owned);
        if self.shown.invitation.as_ref() == Some(&wanted) {
            return;
        }
        match invite {
            Some(code) => {
                if let Some(text) = self.joining.first_element_child() {
                    text.set_text_content(Some(&format!("You are invited to room {code}.")));
                }
                self.play.set_text_content(Some(&format!("Play in {code}")));
            }
            None => self.play.set_text_content(Some("Quick play")),
        }
        self.joining.set_hidden(invite.is_none());
        self.shown.invitation = Some(wanted);
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
            self.scores_panel.set_hidden(scores.is_empty());
            self.shown.scores = scores;
        }
        show_text(&self.banner, &mut self.shown.banner, view.banner());
        let notice = view.notice.unwrap_or_default().to_owned();
        if notice != self.shown.notice {
            self.notice.set_text_content(Some(&notice));
            self.shown.notice = notice;
        }
        let lobby = matches!(
            view.phase,
            Phase::Lobby | Phase::Failed(_) | Phase::Closed { .. }
        );
        if self.shown.lobby != Some(lobby) {
            self.lobby.set_hidden(!lobby);
            self.leave.set_hidden(lobby);
            self.shown.lobby = Some(lobby);
        }
        show_text(&self.place, &mut self.shown.place, view.place());
        let invite_code = view.invite_code();
        if invite_code != self.shown.invite_code.as_deref() {
            let link = invite_code.map_or(String::new(), |code| {
                let origin = self.window.location().origin().unwrap_or_default();
                saved::invite_link(&origin, code)
            });
            self.share.set_value(&link);
            self.copy.set_text_content(Some("Copy link"));
            self.invite.set_hidden(link.is_empty());
            self.shown.invite_code = invite_code.map(str::to_owned);
        }
        let in_room = *view.phase == Phase::Playing;
        let phase = view.match_phase.filter(|_| in_room);
        show_text(
            &self.round,
            &mut self.shown.round,
            hud::round_line(phase, view.tick_rate),
        );
        show_text(
            &self.countdown,
            &mut self.shown.countdown,
            hud::countdown(phase, view.tick_rate),
        );
        show_html(
            &self.results,
            &mut self.shown.results,
            hud::results_html(phase, view.players, view.me, view.tick_rate),
        );
        let state = view.state_json();
        if state != self.shown.state {
            if let Err(e) = self.body.dataset().set("state", &state) {
                web_sys::console::warn_2(&"cannot set data-state".into(), &e);
            }
            self.shown.state = state;
        }
    }
}

/// What the page shows, gathered from the session and the game's frontend each frame.
#[derive(Debug)]
pub struct View<'a> {
    /// Where the session is.
    pub phase: &'a Phase,
    /// Page time, ms.
    pub now: f64,
    /// The player, once seated.
    pub me: Option<PlayerId>,
    /// Playing or watching, once welcomed.
    pub role: Option<Role>,
    /// The room's code, once welcomed.
    pub code: Option<&'a str>,
    /// Whether that room is private.
    pub private: bool,
    /// Round-trip time to the server.
    pub rtt_ms: Option<f64>,
    /// The room's tick rate.
    pub tick_rate: u16,
    /// The newest snapshot's tick, while playing.
    pub tick: Option<u64>,
    /// The players of the newest snapshot ([`crate::Frontend::players`]), while playing.
    pub players: Option<&'a [PlayerRow]>,
    /// The game's line for the player ([`crate::Frontend::banner`]).
    pub game_banner: &'a str,
    /// The game's members of `data-state` ([`crate::Frontend::state_json`]).
    pub game_json: &'a str,
    /// Why the session last stopped or what it waits for.
    pub notice: Option<&'a str>,
    /// The room's round phase.
    pub match_phase: Option<MatchPhase>,
}

impl View<'_> {
    fn watching(&self) -> bool {
        self.role == Some(Role::Spectator)
    }

    fn status_line(&self) -> String {
        let phase = if self.watching() && *self.phase == Phase::Playing {
            "watching"
        } else {
            self.phase.name()
        };
        let mut parts = vec![phase.to_owned()];
        if let Some(rtt) = self.rtt_ms {
            parts.push(format!("ping {} ms", crate::whole(rtt)));
        }
        if let (Some(tick), Some(players)) = (self.tick, self.players) {
            parts.push(format!("tick {tick}"));
            let players = players.len();
            parts.push(format!(
                "{players} player{}",
                if players == 1 { "" } else { "s" }
            ));
        }
        parts.join(" · ")
    }

    fn scoreboard_html(&self) -> String {
        let Some(players) = self.players else {
            return String::new();
        };
        let mut rows: Vec<&PlayerRow> = players.iter().collect();
        crate::sort_small(&mut rows, |a, b| {
            b.score.cmp(&a.score).then(a.player.cmp(&b.player))
        });
        rows.iter()
            .take(10)
            .map(|row| {
                let mut class = Vec::new();
                if Some(row.player) == self.me {
                    class.push("me");
                }
                if row.out {
                    class.push("dead");
                }
                format!(
                    "<li class=\"{}\"><span>{}</span><b>{}</b></li>",
                    class.join(" "),
                    escape(&row.name),
                    row.score
                )
            })
            .collect()
    }

    /// Where the player is, for the room bar: empty outside a room.
    fn place(&self) -> String {
        let Some(code) = self.code.filter(|_| *self.phase == Phase::Playing) else {
            return String::new();
        };
        match (self.watching(), self.private) {
            (true, _) => format!("Watching {code}"),
            (false, true) => format!("Private room {code}"),
            (false, false) => format!("Room {code}"),
        }
    }

    /// The code to invite friends to: a private room's, for its players.
    fn invite_code(&self) -> Option<&str> {
        self.code
            .filter(|_| self.private && !self.watching() && *self.phase == Phase::Playing)
    }

    fn banner(&self) -> String {
        match self.phase {
            Phase::Reconnecting { retry_at, attempt } => {
                let wait = ((retry_at - self.now) / 1000.0).max(0.0);
                if wait > 0.05 {
                    format!(
                        "Connection lost. Reconnecting in {} s (attempt {attempt})…",
                        crate::tenths(wait)
                    )
                } else {
                    format!("Connection lost. Reconnecting (attempt {attempt})…")
                }
            }
            Phase::Connecting => "Connecting…".into(),
            Phase::Failed(failure) => failure.to_string(),
            Phase::Closed { code, reason } => format!("Disconnected ({code} {reason})."),
            Phase::Lobby => String::new(),
            Phase::Playing if self.watching() => {
                format!("Watching room {}", self.code.unwrap_or_default())
            }
            // Frozen for a countdown or results: respawn times stand still, so say nothing.
            Phase::Playing
                if matches!(
                    self.match_phase,
                    Some(MatchPhase::Countdown { .. } | MatchPhase::Ended { .. })
                ) =>
            {
                String::new()
            }
            Phase::Playing => self.game_banner.to_owned(),
        }
    }

    /// `{"phase":…,"tick":…,"me":…,"players":…,"round":…,"role":…,"code":…}` and the
    /// game's own members, for tests and tools: `role` is `"player"` or `"spectator"` once
    /// welcomed, `code` the room's code.
    pub fn state_json(&self) -> String {
        let tick = self.tick.unwrap_or(0);
        let players = self.players.map_or(0, <[PlayerRow]>::len);
        let me = self.me.map_or("null".to_owned(), |p| p.0.to_string());
        let round = match self.match_phase {
            None => "null",
            Some(MatchPhase::Waiting { .. }) => "\"waiting\"",
            Some(MatchPhase::Countdown { .. }) => "\"countdown\"",
            Some(MatchPhase::Running { .. }) => "\"running\"",
            Some(MatchPhase::Ended { .. }) => "\"ended\"",
        };
        let role = match self.role {
            None => "null",
            Some(Role::Player(_)) => "\"player\"",
            Some(Role::Spectator) => "\"spectator\"",
        };
        // Codes are A-Z and 0-9 only; escaped anyway so the JSON stays valid whatever comes.
        let code = self
            .code
            .map_or("null".to_owned(), |c| format!("\"{}\"", escape(c)));
        format!(
            "{{\"phase\":\"{}\",\"tick\":{tick},\"me\":{me},\"players\":{players},\"round\":{round},\"role\":{role},\"code\":{code}{}}}",
            self.phase.name(),
            self.game_json
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn players() -> Vec<PlayerRow> {
        let row = |id: u32, name: &str, score: i64, out: bool| PlayerRow {
            player: PlayerId(id),
            name: name.into(),
            score,
            out,
        };
        vec![row(1, "ann", 2, false), row(2, "<b>bo</b>", 5, true)]
    }

    fn view<'a>(phase: &'a Phase, players: &'a [PlayerRow], me: u32) -> View<'a> {
        View {
            phase,
            now: 0.0,
            me: Some(PlayerId(me)),
            role: Some(Role::Player(PlayerId(me))),
            code: Some("K7QX"),
            private: false,
            rtt_ms: Some(12.4),
            tick_rate: 15,
            tick: Some(40),
            players: Some(players),
            game_banner: "",
            game_json: r#","alive":true"#,
            notice: None,
            match_phase: Some(MatchPhase::Running { ticks_left: 9 }),
        }
    }

    #[test]
    fn the_state_attribute_is_json_for_tests() {
        let p = players();
        assert_eq!(
            view(&Phase::Playing, &p, 1).state_json(),
            r#"{"phase":"playing","tick":40,"me":1,"players":2,"round":"running","role":"player","code":"K7QX","alive":true}"#
        );
    }

    #[test]
    fn a_spectator_has_no_player_and_says_it_is_watching() {
        let p = players();
        let mut v = view(&Phase::Playing, &p, 1);
        v.me = None;
        v.role = Some(Role::Spectator);
        v.game_json = "";
        assert_eq!(
            v.state_json(),
            r#"{"phase":"playing","tick":40,"me":null,"players":2,"round":"running","role":"spectator","code":"K7QX"}"#
        );
        assert_eq!(v.place(), "Watching K7QX");
        assert_eq!(v.banner(), "Watching room K7QX");
        assert!(
            v.status_line().starts_with("watching · "),
            "{}",
            v.status_line()
        );
        assert_eq!(v.invite_code(), None);
        assert!(v.scoreboard_html().contains("ann"), "the scoreboard stays");
    }

    #[test]
    fn a_private_room_offers_its_code_to_invite_with() {
        let p = players();
        let mut v = view(&Phase::Playing, &p, 1);
        assert_eq!(v.place(), "Room K7QX");
        assert_eq!(v.invite_code(), None, "public rooms are found in the lobby");
        v.private = true;
        assert_eq!(v.place(), "Private room K7QX");
        assert_eq!(v.invite_code(), Some("K7QX"));
        let lobby = view(&Phase::Lobby, &p, 1);
        assert_eq!(lobby.place(), "");
    }

    #[test]
    fn outside_a_room_the_state_has_no_role_or_code() {
        let v = View {
            phase: &Phase::Lobby,
            now: 0.0,
            me: None,
            role: None,
            code: None,
            private: false,
            rtt_ms: None,
            tick_rate: 15,
            tick: None,
            players: None,
            game_banner: "",
            game_json: "",
            notice: None,
            match_phase: None,
        };
        assert_eq!(
            v.state_json(),
            r#"{"phase":"lobby","tick":0,"me":null,"players":0,"round":null,"role":null,"code":null}"#
        );
    }

    #[test]
    fn the_scoreboard_ranks_by_score_and_escapes_names() {
        let p = players();
        let html = view(&Phase::Playing, &p, 1).scoreboard_html();
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
    fn the_game_speaks_while_the_world_moves_and_is_quiet_while_frozen() {
        let p = players();
        let mut v = view(&Phase::Playing, &p, 2);
        v.game_banner = "You crashed!";
        assert_eq!(v.banner(), "You crashed!");
        v.match_phase = Some(MatchPhase::Ended {
            ticks_left: 30,
            winner: None,
        });
        assert_eq!(v.banner(), "");
        v.match_phase = Some(MatchPhase::Countdown { ticks_left: 30 });
        assert_eq!(v.banner(), "");
    }

    #[test]
    fn the_status_line_shows_state_ping_tick_and_players() {
        let p = players();
        assert_eq!(
            view(&Phase::Playing, &p, 1).status_line(),
            "playing · ping 12 ms · tick 40 · 2 players"
        );
    }
}
