//! The browser's own WebSocket as a byte transport for the toolkit's session: binary
//! messages in and out, opened and closed, nothing decoded here. The [`Connection`] owns
//! every JavaScript closure it registers and unregisters them when dropped, so reconnecting
//! never leaks handlers.

use std::{cell::RefCell, collections::VecDeque, rc::Rc};

use js_sys::{ArrayBuffer, Uint8Array};
use tickwire::link::{Conditioner, LinkProfile};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// The most events held between two drains. A hidden tab stops animation frames but not
/// socket events; past this, the oldest events go (stale snapshots matter to no one).
pub const INBOX_CAPACITY: usize = 128;

/// What happened on the socket, in order.
#[derive(Debug)]
pub enum NetEvent {
    /// The WebSocket handshake completed.
    Opened,
    /// A message from the server, stamped with the page clock (ms) when it arrived. A
    /// text frame arrives as its bytes, which the session then fails to decode.
    Message {
        /// The message's bytes.
        bytes: Vec<u8>,
        /// `performance.now()` at arrival.
        at: f64,
    },
    /// The socket closed; always the last event.
    Closed {
        /// The close code (1006 when the connection dropped without a close frame).
        code: u16,
        /// The close reason.
        reason: String,
    },
}

/// Events between the socket's callbacks and the frame loop.
#[derive(Debug)]
struct Inbox {
    /// Events with the page time at which they are delivered.
    events: VecDeque<(f64, NetEvent)>,
    now: fn() -> f64,
    /// The debug link conditioner for incoming messages, if any.
    down: Option<Conditioner>,
}

impl Inbox {
    fn push(&mut self, mut event: NetEvent) {
        let now = (self.now)();
        let due = self.down.as_mut().map_or(now, |link| link.deliver_at(now));
        if let NetEvent::Message { at, .. } = &mut event {
            *at = due;
        }
        if self.events.len() == INBOX_CAPACITY {
            self.events.pop_front();
        }
        self.events.push_back((due, event));
    }
}

/// Outgoing messages held back by the debug link conditioner.
#[derive(Debug)]
struct Outbox {
    up: Conditioner,
    queue: VecDeque<(f64, Vec<u8>)>,
}

/// One WebSocket to a game server.
pub struct Connection {
    socket: WebSocket,
    inbox: Rc<RefCell<Inbox>>,
    outbox: Option<RefCell<Outbox>>,
    now: fn() -> f64,
    // Held so the browser can call them; unregistered in `drop`, then freed.
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.socket.url())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Opens a socket to `url`. `now` is the page clock, used to stamp arrivals. With a
    /// `link` profile, messages in both directions are held back as it says (a debug
    /// setting for trying the game over a poor connection).
    pub fn open(url: &str, now: fn() -> f64, link: Option<LinkProfile>) -> Result<Self, JsValue> {
        let socket = WebSocket::new(url)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let seed = (js_sys::Math::random() * 2f64.powi(53)) as u64;
        let inbox = Rc::new(RefCell::new(Inbox {
            events: VecDeque::new(),
            now,
            down: link.map(|profile| Conditioner::new(profile, seed)),
        }));
        let outbox = link.map(|profile| {
            RefCell::new(Outbox {
                up: Conditioner::new(profile, !seed),
                queue: VecDeque::new(),
            })
        });

        let on_open = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(Event)>::new(move |_| inbox.borrow_mut().push(NetEvent::Opened))
        };
        let on_message = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // Stamped when pushed into the inbox.
                let at = 0.0;
                let bytes = match event.data().dyn_into::<ArrayBuffer>() {
                    Ok(buffer) => Uint8Array::new(&buffer).to_vec(),
                    Err(text) => text.as_string().unwrap_or_default().into_bytes(),
                };
                inbox.borrow_mut().push(NetEvent::Message { bytes, at });
            })
        };
        let on_close = {
            let inbox = inbox.clone();
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
                inbox.borrow_mut().push(NetEvent::Closed {
                    code: event.code(),
                    reason: event.reason(),
                });
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Connection {
            socket,
            inbox,
            outbox,
            now,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends one binary message. Fails if the socket is not open.
    pub fn send(&self, bytes: Vec<u8>) -> Result<(), JsValue> {
        if self.socket.ready_state() != WebSocket::OPEN {
            return Err(JsValue::from_str("socket not open"));
        }
        match &self.outbox {
            None => self.socket.send_with_u8_array(&bytes),
            Some(outbox) => {
                let mut outbox = outbox.borrow_mut();
                let due = outbox.up.deliver_at((self.now)());
                if outbox.queue.len() == INBOX_CAPACITY {
                    outbox.queue.pop_front();
                }
                outbox.queue.push_back((due, bytes));
                Ok(())
            }
        }
    }

    /// Sends what the link conditioner has held long enough, and takes every event that
    /// has been delivered since the last call.
    pub fn drain(&self) -> VecDeque<NetEvent> {
        let now = (self.now)();
        if let Some(outbox) = &self.outbox {
            let mut outbox = outbox.borrow_mut();
            while outbox.queue.front().is_some_and(|(due, _)| *due <= now) {
                if let Some((_, bytes)) = outbox.queue.pop_front()
                    && self.socket.ready_state() == WebSocket::OPEN
                {
                    let _ = self.socket.send_with_u8_array(&bytes);
                }
            }
        }
        let mut inbox = self.inbox.borrow_mut();
        let due = inbox
            .events
            .iter()
            .take_while(|(due, _)| *due <= now)
            .count();
        inbox.events.drain(..due).map(|(_, event)| event).collect()
    }

    /// Closes with `code` and `reason`; the `Closed` event still arrives through
    /// [`drain`](Self::drain).
    pub fn close(&self, code: u16, reason: &str) {
        let _ = self.socket.close_with_code_and_reason(code, reason);
    }

    /// How many closures this connection holds registered (for tests of its cleanup).
    pub fn handlers_registered(&self) -> usize {
        [
            self.socket.onopen(),
            self.socket.onmessage(),
            self.socket.onclose(),
        ]
        .iter()
        .flatten()
        .count()
    }

    /// The underlying socket, for tests.
    pub fn socket(&self) -> &WebSocket {
        &self.socket
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Unregister first, so the browser never calls a closure freed below.
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        if matches!(
            self.socket.ready_state(),
            WebSocket::CONNECTING | WebSocket::OPEN
        ) {
            let _ = self
                .socket
                .close_with_code_and_reason(1000, "client closed");
        }
    }
}

/// The game endpoint for a page at `protocol` (`"https:"` or `"http:"`) and `host`
/// (`"example.com:8080"`): the same host and port, `wss:` when the page is `https:`.
pub fn endpoint(protocol: &str, host: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws")
}

#[cfg(test)]
mod tests {
    use super::endpoint;

    #[test]
    fn the_endpoint_follows_the_page_location() {
        assert_eq!(
            endpoint("http:", "127.0.0.1:8080"),
            "ws://127.0.0.1:8080/ws"
        );
        assert_eq!(endpoint("https:", "play.example"), "wss://play.example/ws");
    }
}
