//! The browser client: the game over the browser's own WebSocket, drawn on a canvas at
//! display refresh, steered by keyboard or touch.
//!
//! `net`, `timeline` and `runtime` work for any [`netcode::Game`]; `controls`, `render` and
//! `page` are snake's. The page's long-lived handlers live in [`App`], kept in a
//! thread-local for the page's lifetime; each one is removed from the DOM when dropped.

pub mod controls;
pub mod net;
pub mod page;
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
        session: Session::new(url, Env { now, random }),
        page,
        swipe: Swipe::default(),
        pending_turn: None,
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
        self.session.play(&name);
        let _ = self.page.canvas.focus();
    }

    /// Sends a turn unless it repeats the heading the snake already has or will have.
    fn turn(&mut self, dir: Dir) {
        let Some(me) = self.session.me() else { return };
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

    fn frame(&mut self) {
        let now = now();
        self.session.update();
        self.page.fit_canvas();
        if let Some(frame) = self.session.timeline().frame(now) {
            render::draw(&self.page.canvas, &self.page.ctx, &frame, self.session.me());
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
