//! What the page does on each event, for any game: play, enter and leave rooms, keys and
//! touches to the game's [`Frontend`], the invite link, the seat and address kept across
//! reloads, the room list and leaderboard, and each display frame (the game draws, then the
//! page is brought up to date). `boot.rs` wires the DOM's events to these methods.

use tickwire::{Join, MatchPhase, ResumeToken, Role};

use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{Event, KeyboardEvent};

use crate::{
    console_info, console_warn,
    frontend::{Frontend, PlayerRow, Touch},
    lobby::{self, Feed},
    now,
    page::Page,
    runtime::{Phase, Session},
    saved::{self, Address, Seat, Start},
    view::View,
};

/// How long after a round ends the leaderboard is fetched again (ms): the server writes the
/// result off the tick, so asking at once could miss it.
const LEADERS_AFTER_ROUND_MS: f64 = 1_000.0;

/// Everything the page runs on.
pub(crate) struct App<F: Frontend> {
    session: Session<F::Game>,
    frontend: F,
    page: Page,
    /// Where the player's name is remembered between visits.
    name_key: String,
    /// The room of a `?room=CODE` link, which Play joins.
    invite: Option<String>,
    /// The public room list, fetched while the lobby is shown.
    rooms: Feed,
    /// The all-time leaderboard.
    leaders: Feed,
    /// When the leaderboard is due to be fetched again (page ms).
    leaders_due: Option<f64>,
    /// Whether the lobby was shown in the last frame.
    lobby_shown: bool,
    /// Whether the last frame showed a finished round.
    round_over: bool,
    /// The room and token last written to the address bar and `sessionStorage`.
    placed: Option<(String, Option<ResumeToken>)>,
    /// The animation frame callback, which runs [`App::frame`]; each frame asks for the next.
    frame: Option<Closure<dyn FnMut(f64)>>,
}

impl<F: Frontend> App<F> {
    /// The app on `page`, in the lobby, with the leaderboard due at once.
    pub(crate) fn new(
        session: Session<F::Game>,
        frontend: F,
        page: Page,
        name_key: String,
    ) -> Self {
        App {
            session,
            frontend,
            page,
            name_key,
            invite: None,
            rooms: Feed::new(lobby::ROOMS_URL),
            leaders: Feed::new(lobby::LEADERS_URL),
            leaders_due: Some(0.0),
            lobby_shown: false,
            round_over: false,
            placed: None,
            frame: None,
        }
    }

    /// The page's elements, to wire handlers to.
    pub(crate) fn page(&self) -> &Page {
        &self.page
    }

    /// Sets the animation frame callback that [`App::frame`] asks for after each frame.
    pub(crate) fn set_frame(&mut self, frame: Closure<dyn FnMut(f64)>) {
        self.frame = Some(frame);
    }

    /// Does what a fresh page should: show the lobby (with a `?room=` invitation), ask for
    /// the saved seat back, or watch a `?watch=` room.
    pub(crate) fn begin(&mut self, start: Start) {
        match start {
            Start::Lobby { invite } => self.invite = invite,
            Start::Resume(seat) => {
                // A reload: ask for the same seat back (within the server's grace period).
                console_info(&format!("resuming the seat in room {}", seat.code));
                self.page.name.set_value(&seat.name);
                self.session
                    .rejoin(&seat.name, Join::Room(seat.code), seat.token);
            }
            Start::Watch(code) => {
                let name = self.page.name.value().trim().to_owned();
                self.session.play(&name, Join::Watch(code));
            }
        }
    }

    /// Play: in the room of a `/?room=CODE` link (a private one if nobody has it yet), else
    /// quick play.
    pub(crate) fn play(&mut self) {
        let join = self.invite.clone().map_or(Join::Quick, Join::Room);
        self.enter(join);
    }

    /// Joins or watches a room under the name typed, and remembers the name.
    pub(crate) fn enter(&mut self, join: Join) {
        let name = self.page.name.value().trim().to_owned();
        if let Ok(Some(storage)) = self.page.window.local_storage() {
            let _ = storage.set_item(&self.name_key, &name);
        }
        self.frontend.left();
        self.session.play(&name, join);
        let _ = self.page.canvas.focus();
    }

    /// Leaves the room for the lobby and forgets it: no resume after a reload.
    pub(crate) fn leave(&mut self) {
        self.session.leave();
        saved::clear(&self.page.window);
        saved::show_address(&self.page.window, Address::Plain);
        self.placed = None;
        self.invite = None;
        self.frontend.left();
        let (w, h) = (self.page.canvas.width(), self.page.canvas.height());
        self.page
            .ctx
            .clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    }

    /// A key went down or up: the game's, unless the player is typing in a field.
    pub(crate) fn key(&mut self, event: &Event, down: bool) {
        let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        let typing = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some();
        if typing {
            return;
        }
        let (code, name) = (key.code(), key.key());
        let used = if down {
            self.frontend.key_down(&code, &name, &mut self.session)
        } else {
            self.frontend.key_up(&code, &name, &mut self.session)
        };
        if used {
            event.prevent_default();
        }
    }

    /// A touch on the board: the game's.
    pub(crate) fn touch(&mut self, touch: Touch) {
        self.frontend.touch(touch, &mut self.session);
    }

    /// Copies the invite link, or selects it where the clipboard is not available (pages
    /// not served over https or from localhost).
    pub(crate) fn copy_invite(&mut self) {
        let link = self.page.share.value();
        let navigator = self.page.window.navigator();
        let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
        if clipboard {
            // The promise settles on its own; a refusal leaves the link on screen to copy.
            let _ = navigator.clipboard().write_text(&link);
            self.page.copy.set_text_content(Some("Copied"));
        } else {
            self.page.share.select();
        }
    }

    /// Selects the invite link, for copying by hand.
    pub(crate) fn select_invite(&mut self) {
        self.page.share.select();
    }

    /// Drops the invitation of a `?room=` link: Play is quick play again.
    pub(crate) fn uninvite(&mut self) {
        self.invite = None;
        saved::show_address(&self.page.window, Address::Plain);
    }

    /// After a welcome, writes where this tab is to `sessionStorage` (the seat, to resume
    /// after a reload) and to the address bar (`?room=` for a private room, `?watch=`).
    fn remember_place(&mut self) {
        let Some(welcome) = self.session.welcome() else {
            return;
        };
        let key = (welcome.code.clone(), welcome.resume);
        if self.placed.as_ref() == Some(&key) {
            return;
        }
        let window = &self.page.window;
        match (welcome.role, welcome.resume) {
            (Role::Player(_), Some(token)) => {
                let seat = Seat {
                    code: welcome.code.clone(),
                    token,
                    name: self.session.name().to_owned(),
                };
                saved::save(window, &seat);
                let address = if welcome.private {
                    Address::Room(&welcome.code)
                } else {
                    Address::Plain
                };
                saved::show_address(window, address);
            }
            _ => {
                saved::clear(window);
                saved::show_address(window, Address::Watch(&welcome.code));
            }
        }
        self.invite = None;
        self.placed = Some(key);
    }

    /// Fetches the room list every few seconds while the lobby is shown, and the
    /// leaderboard when the lobby appears and after each round; shows what arrived.
    fn refresh_lists(&mut self, now: f64) {
        let lobby = matches!(
            self.session.phase(),
            Phase::Lobby | Phase::Failed(_) | Phase::Closed { .. }
        );
        if lobby {
            if !self.lobby_shown {
                self.rooms.expire();
                self.leaders_due = Some(now);
            }
            self.rooms.refresh_every(now, lobby::ROOMS_EVERY_MS);
        }
        self.lobby_shown = lobby;
        let over = matches!(self.session.match_phase(), Some(MatchPhase::Ended { .. }));
        if over && !self.round_over {
            self.leaders_due = Some(now + LEADERS_AFTER_ROUND_MS);
        }
        self.round_over = over;
        if self.leaders_due.is_some_and(|due| now >= due) {
            self.leaders_due = None;
            self.leaders.refresh(now);
        }
        match self
            .rooms
            .take()
            .map(|r| r.and_then(|t| lobby::read_rooms(&t)))
        {
            Some(Ok(rows)) => self.page.show_rooms(lobby::rooms_html(&rows)),
            Some(Err(e)) => console_warn(&format!("room list: {e}")),
            None => {}
        }
        match self
            .leaders
            .take()
            .map(|r| r.and_then(|t| lobby::read_leaders(&t)))
        {
            Some(Ok(rows)) => self.page.show_leaders(lobby::leaders_html(&rows)),
            Some(Err(e)) => console_warn(&format!("leaderboard: {e}")),
            None => {}
        }
        self.page.show_invitation(self.invite.as_deref());
    }

    /// One display frame: the session, the place kept, the lists, then the game updates and
    /// draws, the page is brought up to date, and the next frame is asked for.
    pub(crate) fn frame(&mut self) {
        let now = now();
        self.session.update();
        self.remember_place();
        self.refresh_lists(now);
        self.page.fit_canvas();
        self.frontend.update(&mut self.session, now);
        self.frontend
            .draw(&self.page.canvas, &self.page.ctx, &self.session, now);
        let playing = *self.session.phase() == Phase::Playing;
        let latest = self.session.timeline().latest().filter(|_| playing);
        let players: Option<Vec<PlayerRow>> = latest.map(|(_, state)| F::players(state));
        let me = self.session.me();
        let welcome = self.session.welcome();
        let tick_rate = welcome.map_or(15, |w| w.tick_rate);
        let game_banner = match (latest, me) {
            (Some((_, state)), Some(me)) => self.frontend.banner(state, me, tick_rate),
            _ => String::new(),
        };
        let game_json = self.frontend.state_json(latest.map(|(_, s)| s), me);
        let view = View {
            phase: self.session.phase(),
            now,
            me,
            role: welcome.map(|w| w.role),
            code: welcome.map(|w| w.code.as_str()),
            private: welcome.is_some_and(|w| w.private),
            rtt_ms: self.session.rtt_ms(),
            tick_rate,
            tick: latest.map(|(tick, _)| tick),
            players: players.as_deref(),
            game_banner: &game_banner,
            game_json: &game_json,
            notice: self.session.notice(),
            match_phase: self.session.match_phase(),
        };
        self.page.show(&view);
        if let Some(frame) = &self.frame {
            let _ = self
                .page
                .window
                .request_animation_frame(frame.as_ref().unchecked_ref());
        }
    }
}
