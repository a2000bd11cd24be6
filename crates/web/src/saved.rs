//! What survives a reload: the seat to resume (in `sessionStorage`, so per tab), the room in
//! the address bar (`?room=CODE`, `?watch=CODE`), and the decision what a fresh page does.

use tickwire::{ResumeToken, valid_room_code};
use web_sys::Window;

/// Where the seat to resume is kept in `sessionStorage`.
pub const SEAT_KEY: &str = "tickwire.seat";

/// A seat this tab held: enough to ask for it back after a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// The room's code.
    pub code: String,
    /// The welcome's resume token.
    pub token: ResumeToken,
    /// The name it played under.
    pub name: String,
}

impl Seat {
    /// `CODE`, the token in hex, and the name, one per line.
    pub fn encode(&self) -> String {
        let hex: String = self.token.0.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}\n{hex}\n{}", self.code, self.name)
    }

    /// Reads [`encode`](Self::encode)'s text; `None` for anything else.
    pub fn decode(text: &str) -> Option<Seat> {
        let mut lines = text.splitn(3, '\n');
        let code = lines.next()?;
        let hex = lines.next()?.as_bytes();
        let name = lines.next()?;
        if !valid_room_code(code) || hex.len() != 32 {
            return None;
        }
        let mut token = [0u8; 16];
        for (byte, pair) in token.iter_mut().zip(hex.chunks(2)) {
            let digit = |c: u8| char::from(c).to_digit(16);
            *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
        }
        Some(Seat {
            code: code.to_owned(),
            token: ResumeToken(token),
            name: name.to_owned(),
        })
    }
}

/// A room code as typed in a link: trimmed and upper-cased, or `None` if malformed.
pub fn room_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    valid_room_code(&code).then_some(code)
}

/// What a freshly loaded page does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Shows the lobby; with an invitation, Play joins that room.
    Lobby {
        /// The room of a `?room=CODE` link.
        invite: Option<String>,
    },
    /// Asks for the seat this tab held before the reload.
    Resume(Seat),
    /// Watches the room of a `?watch=CODE` link.
    Watch(String),
}

/// Decides from the address's `room` and `watch` parameters and the seat this tab saved: a
/// watch link watches; a saved seat is resumed unless the address names another room; a
/// room link without a seat waits in the lobby for a name and Play.
pub fn start(room: Option<&str>, watch: Option<&str>, saved: Option<Seat>) -> Start {
    if let Some(code) = watch.and_then(room_code) {
        return Start::Watch(code);
    }
    let invite = room.and_then(room_code);
    match saved {
        Some(seat) if invite.as_ref().is_none_or(|code| *code == seat.code) => Start::Resume(seat),
        _ => Start::Lobby { invite },
    }
}

/// Where the player is, as the address bar should say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address<'a> {
    /// Nowhere in particular: no room parameter.
    Plain,
    /// Playing in the room with this code.
    Room(&'a str),
    /// Watching the room with this code.
    Watch(&'a str),
}

/// The query string for `address`, keeping every other parameter of `search` (such as the
/// debug `link`) as it was written: `?link=…&room=CODE`, or `""` when nothing is left.
pub fn query(search: &str, address: Address<'_>) -> String {
    let mut parts: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|part| {
            let key = part.split('=').next().unwrap_or_default();
            !part.is_empty() && key != "room" && key != "watch"
        })
        .map(str::to_owned)
        .collect();
    match address {
        Address::Plain => {}
        Address::Room(code) => parts.push(format!("room={code}")),
        Address::Watch(code) => parts.push(format!("watch={code}")),
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Puts `address` in the address bar without reloading or adding a history entry, so a
/// reload comes back to the same room.
pub fn show_address(window: &Window, address: Address<'_>) {
    let location = window.location();
    let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else {
        return;
    };
    let wanted = query(&search, address);
    if wanted == search {
        return;
    }
    if let Ok(history) = window.history() {
        let url = format!("{path}{wanted}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The link that invites someone into room `code` from a page at `origin`.
pub fn invite_link(origin: &str, code: &str) -> String {
    format!("{origin}/?room={code}")
}

fn session_storage(window: &Window) -> Option<web_sys::Storage> {
    window.session_storage().ok().flatten()
}

/// The seat this tab saved, if any.
pub fn load(window: &Window) -> Option<Seat> {
    let text = session_storage(window)?.get_item(SEAT_KEY).ok()??;
    Seat::decode(&text)
}

/// Remembers `seat` for this tab.
pub fn save(window: &Window, seat: &Seat) {
    if let Some(storage) = session_storage(window) {
        let _ = storage.set_item(SEAT_KEY, &seat.encode());
    }
}

/// Forgets the saved seat (after leaving on purpose).
pub fn clear(window: &Window) {
    if let Some(storage) = session_storage(window) {
        let _ = storage.remove_item(SEAT_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(code: &str) -> Seat {
        Seat {
            code: code.into(),
            token: ResumeToken([0, 1, 2, 0xab, 0xff, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x7f]),
            name: "ann lee".into(),
        }
    }

    #[test]
    fn a_saved_seat_round_trips_through_text() {
        let text = seat("K7QX").encode();
        assert_eq!(text, "K7QX\n000102abff05060708090a0b0c0d0e7f\nann lee");
        assert_eq!(Seat::decode(&text), Some(seat("K7QX")));
        for bad in [
            "",
            "K7QX",
            "K7QX\n0001\nann",
            "k7qx\n000102abff05060708090a0b0c0d0e7f\nann",
            "K7QX\n000102abff05060708090a0b0c0d0eZZ\nann",
        ] {
            assert_eq!(Seat::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_watch_link_watches_whatever_was_saved() {
        assert_eq!(
            start(Some("AAAA"), Some(" k7qx "), Some(seat("AAAA"))),
            Start::Watch("K7QX".into())
        );
    }

    #[test]
    fn a_reload_resumes_the_saved_seat_unless_the_link_names_another_room() {
        assert_eq!(
            start(None, None, Some(seat("K7QX"))),
            Start::Resume(seat("K7QX"))
        );
        assert_eq!(
            start(Some("k7qx"), None, Some(seat("K7QX"))),
            Start::Resume(seat("K7QX"))
        );
        assert_eq!(
            start(Some("OTHER"), None, Some(seat("K7QX"))),
            Start::Lobby {
                invite: Some("OTHER".into())
            }
        );
    }

    #[test]
    fn without_a_seat_a_room_link_waits_in_the_lobby() {
        assert_eq!(
            start(Some("ROOM1"), None, None),
            Start::Lobby {
                invite: Some("ROOM1".into())
            }
        );
        assert_eq!(start(None, None, None), Start::Lobby { invite: None });
        assert_eq!(
            start(Some("no!"), Some(""), None),
            Start::Lobby { invite: None },
            "malformed codes are ignored"
        );
    }

    #[test]
    fn the_address_names_the_room_and_keeps_other_parameters() {
        assert_eq!(query("", Address::Room("K7QX")), "?room=K7QX");
        assert_eq!(query("?room=OLD", Address::Watch("K7QX")), "?watch=K7QX");
        assert_eq!(
            query("?link=latency%3D50ms&watch=OLD", Address::Room("K7QX")),
            "?link=latency%3D50ms&room=K7QX"
        );
        assert_eq!(query("?room=K7QX", Address::Plain), "");
        assert_eq!(query("?a=1&room=X", Address::Plain), "?a=1");
        assert_eq!(
            invite_link("http://127.0.0.1:8080", "K7QX"),
            "http://127.0.0.1:8080/?room=K7QX"
        );
    }
}
