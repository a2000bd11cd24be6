//! The browser client: the game over the browser's own WebSocket, drawn on a canvas at
//! display refresh, steered by keyboard or touch.
//!
//! `net`, `timeline` and `runtime` work for any [`netcode::Game`]; `controls`, `render` and
//! `page` are snake's. The page's long-lived handlers live in [`App`], kept in a
//! thread-local for the page's lifetime; each one is removed from the DOM when dropped.

pub mod controls;
pub mod net;
pub mod page;
pub mod predict;
pub mod render;
pub mod runtime;
pub mod timeline;

use std::cell::RefCell;

use snake::{Dir, Snake, SnakeInput};
use wasm_bindgen::{JsCast, JsValue, closure::Closure, prelude::wasm_bindgen};
use web_sys::{Event, EventTarget, KeyboardEvent, TouchEvent};

use crate::{
    controls::{Swipe, key_dir},
    page::{Page, View},
    predict::{Smoother, next_heading, own_path},
    render::{Own, Point},
    runtime::{Env, Phase, Session},
};

/// Where the player's name is remembered between visits.
const NAME_KEY: &str = "snake.name";

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

    let frame = Closure::<dyn FnMut(f64)>::new(|_: f64| with_app(App::frame));
    let app = App {
        session: Session::new(url, Env { now, random }, link),
        page,
        swipe: Swipe::default(),
        pending_turn: None,
        smoother: Smoother::default(),
        shown_head: None,
        shown_dir: None,
        _listeners: listeners,
        frame: Some(frame),
    };
    APP.with(|slot| *slot.borrow_mut() = Some(app));
    with_app(App::frame);
    Ok(())
}

fn first_touch(event: &Event) -> Option<(f64, f64)> {
    let touch = event.dyn_ref::<TouchEvent>()?.touches().get(0)?;
    Some((f64::from(touch.client_x()), f64::from(touch.client_y())))
}

impl App {
    fn play(&mut self) {
        let name = self.page.name.value().trim().to_owned();
        if let Ok(Some(storage)) = self.page.window.local_storage() {
            let _ = storage.set_item(NAME_KEY, &name);
        }
        self.pending_turn = None;
        // `/?room=CODE` plays in that room (a private one if nobody has it yet).
        let room = self
            .page
            .window
            .location()
            .search()
            .ok()
            .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
            .and_then(|params| params.get("room"))
            .map(|code| code.trim().to_ascii_uppercase());
        let join = match room {
            Some(code) if !code.is_empty() => netcode::Join::Room(code),
            _ => netcode::Join::Quick,
        };
        self.session.play(&name, join);
        let _ = self.page.canvas.focus();
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
        let view = View {
            phase: self.session.phase(),
            now,
            me: self.session.me(),
            room: self.session.welcome().map(|w| w.room.0),
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
