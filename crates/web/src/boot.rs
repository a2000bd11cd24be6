//! Start-up and event wiring: `run` puts up the page, reads the address and storage, makes
//! the [`App`], and connects the DOM's events and the display frame to its methods. What the
//! app does on each event is `app.rs`'s.

use std::{any::Any, cell::RefCell, rc::Rc, rc::Weak};

use tickwire::{Join, Wire};

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{Element, Event, EventTarget, TouchEvent};

use crate::{
    app::App,
    console_info, console_warn,
    frontend::{Frontend, Touch},
    net, now,
    page::Page,
    random,
    runtime::{Env, Session},
    saved,
};

thread_local! {
    /// The running page, kept for the page's lifetime: the app and its handlers. Handlers
    /// hold only weak references to the app, so nothing forms a cycle.
    static RUNNING: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
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

    let session = Session::new(url, Env { now, random }, link);
    let app = Rc::new(RefCell::new(App::new(session, frontend, page, name_key)));
    let weak = Rc::downgrade(&app);
    let listeners = {
        let mut this = app.borrow_mut();
        let listeners = listeners(this.page(), &weak)?;
        let frame = weak.clone();
        this.set_frame(Closure::<dyn FnMut(f64)>::new(move |_: f64| {
            if let Some(app) = frame.upgrade()
                && let Ok(mut app) = app.try_borrow_mut()
            {
                app.frame();
            }
        }));
        this.begin(start);
        // The first frame asks for the next, and so on for the page's lifetime.
        this.frame();
        listeners
    };
    RUNNING.with(|slot| *slot.borrow_mut() = Some(Box::new((app, listeners))));
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
        Listener::new(&page.share, "focus", on(app, |app, _| app.select_invite()))?,
        Listener::new(&page.uninvite, "click", on(app, |app, _| app.uninvite()))?,
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
