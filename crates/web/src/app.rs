//! The page's application loop for any game: the lobby, joining and leaving rooms, the seat
//! kept across reloads, the room list and leaderboard, and the display frame loop that
//! hands drawing and input to the game's [`Frontend`].

use std::{cell::RefCell, rc::Rc, rc::Weak};

use tickwire::{Join, MatchPhase, ResumeToken, Role, Wire};

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{Element, Event, EventTarget, KeyboardEvent, TouchEvent};

use crate::{
    console_info, console_warn,
    frontend::{Frontend, PlayerRow, Touch},
    lobby::{self, Feed},
    net, now,
    page::{Page, View},
    random,
    runtime::{Env, Phase, Session},
    saved::{self, Address, Seat, Start},
};

/// How long after a round ends the leaderboard is fetched again (ms): the server writes the
/// result off the tick, so asking at once could miss it.
const LEADERS_AFTER_ROUND_MS: f64 = 1_000.0;

thread_local! {
    /// The running page, kept for the page's lifetime. Handlers hold only weak references,
    /// so nothing forms a cycle.
    static RUNNING: RefCell<Option<Rc<dyn std::any::Any>>> = const { RefCell::new(None) };
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
struct App<F: Frontend> {
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
    listeners: Vec<Listener>,
    frame: Option<Closure<dyn FnMut(f64)>>,
}

type Shared<F> = Weak<RefCell<App<F>>>;

/// A handler that runs `f` on the app while it exists. A handler that fires while the app
/// is busy (an event raised synchronously by the app's own DOM call) is skipped.
fn on<F: Frontend>(
    app: &Shared<F>,
    mut f: impl FnMut(&mut App<F>, &Event) + 'static,
) -> impl FnMut(Event) + 'static {
    let app = app.clone();
    move |event| {
        if let Some(app) = app.upgrade()
            && let Ok(mut app) = app.try_borrow_mut()
        {
            f(&mut app, &event);
        }
    }
}

/// Starts the page with `frontend`: finds the page's elements, wires its handlers, and
/// resumes a saved seat, watches a `?watch=` room or shows the lobby. Call it once, from
/// the game's `#[wasm_bindgen(start)]` function.
pub fn run<F: Frontend>(frontend: F) -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    Page::build(F::Game::NAME, F::HELP, F::STYLE)?;
    let page = Page::find()?;
    let location = page.window.location();
    let url = net::endpoint(&location.protocol()?, &location.host()?);
    let name_key = format!("{}.name", F::Game::NAME);
    if let Some(name) = page
        .window
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&name_key).ok().flatten())
    {
        page.name.set_value(&name);
    }
    console_info(&format!("{} client: game endpoint {url}", F::Game::NAME));
    let params = web_sys::UrlSearchParams::new_with_str(&location.search()?)?;
    // `?link=latency=100ms,jitter=30ms,stall=500ms/10s` plays over a simulated poor link.
    let link =
        params
            .get("link")
            .and_then(|text| match text.parse::<tickwire::link::LinkProfile>() {
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
    let start = saved::start(
        params.get("room").as_deref(),
        params.get("watch").as_deref(),
        saved::load(&page.window),
    );

    let app = Rc::new(RefCell::new(App {
        session: Session::new(url, Env { now, random }, link),
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
        listeners: Vec::new(),
        frame: None,
    }));
    let weak = Rc::downgrade(&app);
    {
        let mut this = app.borrow_mut();
        this.listeners = listeners(&this.page, &weak)?;
        let frame = weak.clone();
        this.frame = Some(Closure::<dyn FnMut(f64)>::new(move |_: f64| {
            if let Some(app) = frame.upgrade()
                && let Ok(mut app) = app.try_borrow_mut()
            {
                app.frame();
            }
        }));
        match start {
            Start::Lobby { invite } => this.invite = invite,
            Start::Resume(seat) => {
                // A reload: ask for the same seat back (within the server's grace period).
                console_info(&format!("resuming the seat in room {}", seat.code));
                this.page.name.set_value(&seat.name);
                this.session
                    .rejoin(&seat.name, Join::Room(seat.code), seat.token);
            }
            Start::Watch(code) => {
                let name = this.page.name.value().trim().to_owned();
                this.session.play(&name, Join::Watch(code));
            }
        }
        this.frame();
    }
    RUNNING.with(|slot| *slot.borrow_mut() = Some(app));
    Ok(())
}

/// The page's handlers: the lobby's buttons, the room bar, keys on the window and touches
/// on the board.
fn listeners<F: Frontend>(page: &Page, app: &Shared<F>) -> Result<Vec<Listener>, JsValue> {
    Ok(vec![
        Listener::new(
            &page.lobby,
            "submit",
            on(app, |app, event| {
                event.prevent_default();
                app.play();
            }),
        )?,
        Listener::new(
            &page.create,
            "click",
            on(app, |app, _| app.enter(Join::NewPrivate)),
        )?,
        Listener::new(
            &page.rooms,
            "click",
            on(app, |app, event| {
                // One handler for every row's buttons: they carry the room code.
                let Some(button) = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|e| e.closest("button").ok().flatten())
                else {
                    return;
                };
                if let Some(code) = button.get_attribute("data-join") {
                    app.enter(Join::Room(code));
                } else if let Some(code) = button.get_attribute("data-watch") {
                    app.enter(Join::Watch(code));
                }
            }),
        )?,
        Listener::new(&page.leave, "click", on(app, |app, _| app.leave()))?,
        Listener::new(&page.copy, "click", on(app, |app, _| app.copy_invite()))?,
        Listener::new(
            &page.share,
            "focus",
            on(app, |app, _| app.page.share.select()),
        )?,
        Listener::new(
            &page.uninvite,
            "click",
            on(app, |app, _| {
                app.invite = None;
                saved::show_address(&app.page.window, Address::Plain);
            }),
        )?,
        Listener::new(
            &page.window,
            "keydown",
            on(app, |app, event| app.key(event, true)),
        )?,
        Listener::new(
            &page.window,
            "keyup",
            on(app, |app, event| app.key(event, false)),
        )?,
        Listener::new(
            &page.canvas,
            "touchstart",
            on(app, |app, event| {
                if let Some((x, y)) = first_touch(event) {
                    event.prevent_default();
                    app.touch(Touch::Start { x, y });
                }
            }),
        )?,
        Listener::new(
            &page.canvas,
            "touchmove",
            on(app, |app, event| {
                if let Some((x, y)) = first_touch(event) {
                    event.prevent_default();
                    app.touch(Touch::Move { x, y });
                }
            }),
        )?,
        Listener::new(
            &page.canvas,
            "touchend",
            on(app, |app, _| app.touch(Touch::End)),
        )?,
    ])
}

fn first_touch(event: &Event) -> Option<(f64, f64)> {
    let touch = event.dyn_ref::<TouchEvent>()?.touches().get(0)?;
    Some((f64::from(touch.client_x()), f64::from(touch.client_y())))
}

impl<F: Frontend> App<F> {
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
            let _ = storage.set_item(&self.name_key, &name);
        }
        self.frontend.left();
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
        self.frontend.left();
        let (w, h) = (self.page.canvas.width(), self.page.canvas.height());
        self.page
            .ctx
            .clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    }

    /// A key went down or up: the game's, unless the player is typing in a field.
    fn key(&mut self, event: &Event, down: bool) {
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

    fn touch(&mut self, touch: Touch) {
        self.frontend.touch(touch, &mut self.session);
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

    fn frame(&mut self) {
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
