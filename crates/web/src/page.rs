//! The page around the canvas, in the DOM: the lobby (name, quick play, private rooms, the
//! public room list), the room bar (where, invite link, leave), status line, scoreboard,
//! leaderboard, banner, the round's overlays, and the `data-state` attribute that tests and
//! curious players can read. Each element is written only when its text changes; what the
//! texts say is decided in `view.rs`, without the DOM.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlButtonElement, HtmlCanvasElement, HtmlElement,
    HtmlInputElement, Window,
};

use crate::{hud, runtime::Phase, saved, text::escape};

/// What the page shows, at the path it had before it got a module of its own.
#[doc(no_inline)]
pub use crate::view::View;

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
