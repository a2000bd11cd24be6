//! The browser client: the game over the browser's own WebSocket, drawn on a canvas at
//! display refresh, steered by keyboard or touch.
//!
//! `net`, `timeline`, `runtime`, `json`, `lobby` and `saved` work for any
//! [`netcode::Game`]; `controls`, `render`, `predict`, `hud` and `page` are snake's. The
//! page's long-lived handlers live in [`App`], kept in a thread-local for the page's
//! lifetime; each one is removed from the DOM when dropped.

pub mod controls;
pub mod hud;
pub mod json;
pub mod lobby;
pub mod net;
pub mod page;
pub mod predict;
pub mod render;
pub mod runtime;
pub mod saved;
pub mod timeline;

use std::cell::RefCell;

use netcode::{Join, MatchPhase, ResumeToken, Role};
use snake::{Dir, Snake, SnakeInput};
use wasm_bindgen::{JsCast, JsValue, closure::Closure, prelude::wasm_bindgen};
use web_sys::{Element, Event, EventTarget, KeyboardEvent, TouchEvent};

use crate::{
    controls::{Swipe, key_dir},
    lobby::Feed,
    page::{Page, View},
    predict::{Smoother, next_heading, own_path},
    render::{Own, Point},
    runtime::{Env, Phase, Session},
    saved::{Address, Seat, Start},
};

/// Where the player's name is remembered between visits.
const NAME_KEY: &str = "snake.name";

/// How long after a round ends the leaderboard is fetched again (ms): the server writes the
/// result off the tick, so asking at once could miss it.
const LEADERS_AFTER_ROUND_MS: f64 = 1_000.0;

/// The page clock, in ms.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Logs to the browser console (and nowhere on native targets, where tests run).
pub(crate) fn console_info(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::info_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

/// Logs a warning to the browser console.
pub(crate) fn console_warn(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

/// Sorts `items` stably by `ordering`. An insertion sort: the page's lists are short (a
/// room's players, the listed rooms), and each standard sort costs kilobytes of wasm per
/// element type it is used with.
pub(crate) fn sort_small<T>(items: &mut [T], ordering: impl Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && ordering(&items[j - 1], &items[j]).is_gt() {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn random() -> f64 {
    js_sys::Math::random()
}

/// A DOM event handler that is removed from its target when dropped.
struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    fn new(
        target: &EventTarget,
        kind: &'static str,
        handler: impl FnMut(Event) + 'static,
    ) -> Result<Self, JsValue> {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())?;
        Ok(Listener {
            target: target.clone(),
            kind,
            closure,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}

/// Everything the page runs on.
struct App {
    session: Session<Snake>,
    page: Page,
    swipe: Swipe,
    /// The last turn sent and its sequence number, until the server acknowledges it.
    pending_turn: Option<(u32, Dir)>,
    /// Blends away mispredictions of the own snake.
    smoother: Smoother,
    /// The own snake's head as last drawn, and the server tick its prediction started from.
    shown_head: Option<(u64, Point)>,
    /// The heading the own snake was last drawn with.
    shown_dir: Option<Dir>,
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
    _listeners: Vec<Listener>,
    frame: Option<Closure<dyn FnMut(f64)>>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Runs `f` on the app, if it is running.
fn with_app(f: impl FnOnce(&mut App)) {
    APP.with(|app| {
        if let Some(app) = app.borrow_mut().as_mut() {
            f(app);
        }
    });
}

/// Entry point: called by the generated JS once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    let page = Page::find()?;
    let location = page.window.location();
    let url = net::endpoint(&location.protocol()?, &location.host()?);
    if let Some(name) = page
        .window
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
    {
        page.name.set_value(&name);
    }
    console_info(&format!("snake client: game endpoint {url}"));
    // `?link=latency=100ms,jitter=30ms,stall=500ms/10s` plays over a simulated poor link.
    let link = web_sys::UrlSearchParams::new_with_str(&location.search()?)?
        .get("link")
        .and_then(|text| match text.parse::<netcode::link::LinkProfile>() {
            Ok(profile) => {
                // The text, not the parsed profile: shortest-form float formatting would add
                // kilobytes to the bundle for one log line.
                console_warn(&format!("debug: simulating a poor link both ways: {text}"));
                Some(profile)
            }
            Err(e) => {
                console_warn(&e.to_string());
                None
            }
        });

    let listeners = vec![
        Listener::new(&page.lobby, "submit", |event| {
            event.prevent_default();
            with_app(App::play);
        })?,
        Listener::new(&page.create, "click", |_| {
            with_app(|app| app.enter(Join::NewPrivate));
        })?,
        Listener::new(&page.rooms, "click", |event| {
            // One handler for every row's buttons: they carry the room code.
            let Some(button) = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|e| e.closest("button").ok().flatten())
            else {
                return;
            };
            let join = if let Some(code) = button.get_attribute("data-join") {
                Join::Room(code)
            } else if let Some(code) = button.get_attribute("data-watch") {
                Join::Watch(code)
            } else {
                return;
            };
            with_app(|app| app.enter(join));
        })?,
        Listener::new(&page.leave, "click", |_| with_app(App::leave))?,
        Listener::new(&page.copy, "click", |_| with_app(App::copy_invite))?,
        Listener::new(&page.share, "focus", |_| {
            with_app(|app| app.page.share.select())
        })?,
        Listener::new(&page.uninvite, "click", |_| {
            with_app(|app| {
                app.invite = None;
                saved::show_address(&app.page.window, Address::Plain);
            });
        })?,
        Listener::new(&page.window, "keydown", |event| {
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
            if let Some(dir) = key_dir(&key.code(), &key.key()) {
                event.prevent_default();
                with_app(|app| app.turn(dir));
            }
        })?,
        Listener::new(&page.canvas, "touchstart", |event| {
            if let Some((x, y)) = first_touch(&event) {
                event.prevent_default();
                with_app(|app| app.swipe.start(x, y));
            }
        })?,
        Listener::new(&page.canvas, "touchmove", |event| {
            if let Some((x, y)) = first_touch(&event) {
                event.prevent_default();
                with_app(|app| {
                    if let Some(dir) = app.swipe.moved(x, y) {
                        app.turn(dir);
                    }
                });
            }
        })?,
        Listener::new(&page.canvas, "touchend", |_| {
            with_app(|app| app.swipe.end())
        })?,
    ];

    let params = web_sys::UrlSearchParams::new_with_str(&location.search()?)?;
    let start = saved::start(
        params.get("room").as_deref(),
        params.get("watch").as_deref(),
        saved::load(&page.window),
    );
    let frame = Closure::<dyn FnMut(f64)>::new(|_: f64| with_app(App::frame));
    let mut app = App {
        session: Session::new(url, Env { now, random }, link),
        page,
        swipe: Swipe::default(),
        pending_turn: None,
        smoother: Smoother::default(),
        shown_head: None,
        shown_dir: None,
        invite: None,
        rooms: Feed::new(lobby::ROOMS_URL),
        leaders: Feed::new(lobby::LEADERS_URL),
        leaders_due: Some(0.0),
        lobby_shown: false,
        round_over: false,
        placed: None,
        _listeners: listeners,
        frame: Some(frame),
    };
    match start {
        Start::Lobby { invite } => app.invite = invite,
        Start::Resume(seat) => {
            // A reload: ask for the same seat back (within the server's grace period).
            console_info(&format!("resuming the seat in room {}", seat.code));
            app.page.name.set_value(&seat.name);
            app.session
                .rejoin(&seat.name, Join::Room(seat.code), seat.token);
        }
        Start::Watch(code) => {
            let name = app.page.name.value().trim().to_owned();
            app.session.play(&name, Join::Watch(code));
        }
    }
    APP.with(|slot| *slot.borrow_mut() = Some(app));
    with_app(App::frame);
    Ok(())
}

fn first_touch(event: &Event) -> Option<(f64, f64)> {
    let touch = event.dyn_ref::<TouchEvent>()?.touches().get(0)?;
    Some((f64::from(touch.client_x()), f64::from(touch.client_y())))
}

impl App {
    /// Play: in the room of a `/?room=CODE` link (a private one if nobody has it yet), else
    /// quick play.
    fn play(&mut self) {
        let join = self.invite.clone().map_or(Join::Quick, Join::Room);
        self.enter(join);
    }

    /// Joins or watches a room under the name typed, and remembers the name.
    fn enter(&mut self, join: Join) {
        let name = self.page.name.value().trim().to_owned();
        if let Ok(Some(storage)) = self.page.window.local_storage() {
            let _ = storage.set_item(NAME_KEY, &name);
        }
        self.pending_turn = None;
        self.session.play(&name, join);
        let _ = self.page.canvas.focus();
    }

    /// Leaves the room for the lobby and forgets it: no resume after a reload.
    fn leave(&mut self) {
        self.session.leave();
        saved::clear(&self.page.window);
        saved::show_address(&self.page.window, Address::Plain);
        self.placed = None;
        self.invite = None;
        self.pending_turn = None;
        self.shown_head = None;
        let (w, h) = (self.page.canvas.width(), self.page.canvas.height());
        self.page
            .ctx
            .clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    }

    /// Copies the invite link, or selects it where the clipboard is not available (pages
    /// not served over https or from localhost).
    fn copy_invite(&mut self) {
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
        let lobby = matches!(self.session.phase(), Phase::Lobby | Phase::Failed(_));
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
            .map(|r| r.and_then(|t| lobby::rooms_from_json(&t)))
        {
            Some(Ok(rows)) => self.page.show_rooms(lobby::rooms_html(&rows)),
            Some(Err(e)) => console_warn(&format!("room list: {e}")),
            None => {}
        }
        match self
            .leaders
            .take()
            .map(|r| r.and_then(|t| lobby::leaders_from_json(&t)))
        {
            Some(Ok(rows)) => self.page.show_leaders(lobby::leaders_html(&rows)),
            Some(Err(e)) => console_warn(&format!("leaderboard: {e}")),
            None => {}
        }
        self.page.show_invitation(self.invite.as_deref());
    }

    /// Sends a turn unless it repeats the heading the snake already has or will have.
    fn turn(&mut self, dir: Dir) {
        let Some(me) = self.session.me() else { return };
        if !self.session.world_moves() {
            return; // Frozen for a countdown or the results: the server would drop the turn.
        }
        let ack = self.session.ack();
        if self.pending_turn.is_some_and(|(seq, _)| seq <= ack) {
            self.pending_turn = None;
        }
        let heading = self.pending_turn.map(|(_, d)| d).or_else(|| {
            let (_, state) = self.session.timeline().latest()?;
            state.snake(me).filter(|s| s.alive).map(|s| s.dir)
        });
        if heading == Some(dir) {
            return;
        }
        if let Some(seq) = self.session.send_input(SnakeInput { dir }) {
            self.pending_turn = Some((seq, dir));
        }
    }

    /// The own snake at the present: the newest server state moved on by the time since it
    /// arrived, in the heading the player chose, with mispredictions blended away.
    fn predict_own(&mut self, now: f64) -> Option<(netcode::PlayerId, Option<Vec<Point>>, String)> {
        self.shown_dir = None;
        let me = self.session.me()?;
        let timeline = self.session.timeline();
        let (tick, state) = timeline.latest()?;
        let view = state.snake(me)?;
        if !view.alive {
            self.shown_head = None;
            return Some((me, None, view.name.clone()));
        }
        let ack = self.session.ack();
        let pending = self
            .pending_turn
            .filter(|(seq, _)| *seq > ack)
            .map(|(_, dir)| dir);
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

    fn frame(&mut self) {
        let now = now();
        self.session.update();
        self.remember_place();
        self.refresh_lists(now);
        self.page.fit_canvas();
        let own = self.predict_own(now);
        if let Some(frame) = self.session.timeline().frame(now) {
            let own = own.as_ref().map(|(player, path, name)| Own {
                player: *player,
                path: path.as_deref(),
                name,
            });
            render::draw(&self.page.canvas, &self.page.ctx, &frame, own);
        }
        let welcome = self.session.welcome();
        let view = View {
            phase: self.session.phase(),
            now,
            me: self.session.me(),
            role: welcome.map(|w| w.role),
            code: welcome.map(|w| w.code.as_str()),
            private: welcome.is_some_and(|w| w.private),
            rtt_ms: self.session.rtt_ms(),
            tick_rate: self.session.welcome().map_or(15, |w| w.tick_rate),
            latest: if *self.session.phase() == Phase::Playing {
                self.session.timeline().latest()
            } else {
                None
            },
            notice: self.session.notice(),
            shown: self.shown_dir,
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

#[cfg(test)]
mod tests {
    use super::sort_small;

    #[test]
    fn the_small_sort_orders_and_keeps_equal_items_in_place() {
        let mut items = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_small(&mut items, |x, y| x.0.cmp(&y.0));
        assert_eq!(items, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut empty: [u8; 0] = [];
        sort_small(&mut empty, Ord::cmp);
    }
}
