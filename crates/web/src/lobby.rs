//! The lobby's data: public rooms from `/api/rooms` and the all-time leaderboard from
//! `/api/leaderboard`, read into [`tickwire::api`]'s types and written as HTML, and
//! [`Feed`], which fetches them in the background without ever blocking a frame.
//!
//! The lists are asked for in the wire codec (`?format=bin`), not JSON: the bundle already
//! carries the codec, and a JSON reader would cost kilobytes (ARCHITECTURE.md, Decisions).

use std::{cell::RefCell, rc::Rc};

use tickwire::api::{self, LeaderboardRow, RoomInfo, RoomPhase};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::text::{clock, escape};

/// The public rooms, listed by the server, in the wire codec ([`api::ROOMS_PATH`] with
/// [`api::BINARY_QUERY`]).
pub const ROOMS_URL: &str = "/api/rooms?format=bin";
/// The ten best players of all time, in the wire codec ([`api::LEADERBOARD_PATH`]).
pub const LEADERS_URL: &str = "/api/leaderboard?limit=10&format=bin";
/// How often the room list is fetched while the lobby is shown, in ms.
pub const ROOMS_EVERY_MS: f64 = 2_000.0;
/// A request unanswered this long (ms) no longer holds back the next one.
pub const FETCH_STALE_MS: f64 = 10_000.0;
/// The most rooms listed; a longer list helps no one choose (quick play picks for them).
pub const MAX_LISTED_ROOMS: usize = 20;

/// Reads `/api/rooms`: rooms with a valid code, open ones first, then the fullest, then by
/// code.
pub fn read_rooms(bytes: &[u8]) -> Result<Vec<RoomInfo>, String> {
    let mut rooms: Vec<RoomInfo> = api::decode(bytes).map_err(|e| e.to_string())?;
    rooms.retain(|room| tickwire::valid_room_code(&room.code));
    crate::sort_small(&mut rooms, |a, b| {
        b.open()
            .cmp(&a.open())
            .then(b.players.cmp(&a.players))
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(rooms)
}

/// What a room is doing, in a few words.
pub fn phase_label(phase: RoomPhase, seconds_left: u32) -> String {
    match phase {
        RoomPhase::Waiting => "waiting for players".into(),
        RoomPhase::Countdown => format!("starting in {seconds_left} s"),
        RoomPhase::Running => format!("playing · {} left", clock(seconds_left)),
        RoomPhase::Ended => "round over".into(),
    }
}

/// The room list: one `<li>` per room with Join (disabled when full) and Watch buttons that
/// carry the code in `data-join` / `data-watch`, or a line saying there are none.
pub fn rooms_html(rows: &[RoomInfo]) -> String {
    if rows.is_empty() {
        return "<li class=\"empty\">No public rooms yet. Quick play opens one.</li>".into();
    }
    let mut html = String::new();
    for row in rows.iter().take(MAX_LISTED_ROOMS) {
        let names = if row.names.is_empty() {
            "nobody yet".to_owned()
        } else {
            escape(&row.names.join(", "))
        };
        let watching = if row.spectators > 0 {
            format!(" · {} watching", row.spectators)
        } else {
            String::new()
        };
        let code = escape(&row.code);
        html.push_str(&format!(
            "<li data-code=\"{code}\"><div class=\"room\"><b>{code}</b> <span class=\"count\">{}/{}</span><br>\
             <small>{}{watching}</small><br><small class=\"names\">{names}</small></div>\
             <button type=\"button\" data-join=\"{code}\"{}>Join</button>\
             <button type=\"button\" class=\"secondary\" data-watch=\"{code}\">Watch</button></li>",
            row.players,
            row.capacity,
            phase_label(row.phase, row.seconds_left),
            if row.open() { "" } else { " disabled" },
        ));
    }
    if rows.len() > MAX_LISTED_ROOMS {
        html.push_str(&format!(
            "<li class=\"empty\">and {} more rooms</li>",
            rows.len() - MAX_LISTED_ROOMS
        ));
    }
    html
}

/// Reads `/api/leaderboard`, keeping the server's order (best first).
pub fn read_leaders(bytes: &[u8]) -> Result<Vec<LeaderboardRow>, String> {
    api::decode(bytes).map_err(|e| e.to_string())
}

/// The leaderboard as `<li>` rows: name, then wins and total score, best round in the title.
pub fn leaders_html(rows: &[LeaderboardRow]) -> String {
    if rows.is_empty() {
        return "<li class=\"empty\">No rounds finished yet.</li>".into();
    }
    rows.iter()
        .map(|row| {
            format!(
                "<li title=\"{} rounds, best {}\"><span>{}</span><small>{} {}</small><b>{}</b></li>",
                row.rounds,
                row.best,
                escape(&row.name),
                row.wins,
                if row.wins == 1 { "win" } else { "wins" },
                row.total
            )
        })
        .collect()
}

/// What a fetch brought back: the body, or why there is none.
type Reply = Result<Vec<u8>, String>;

/// One HTTP resource fetched in the background. At most one request is in flight; its reply
/// waits in a slot until the frame loop takes it, so no callback ever touches the app.
#[derive(Debug)]
pub struct Feed {
    url: &'static str,
    reply: Rc<RefCell<Option<Reply>>>,
    /// When the request in flight started (page ms).
    started: Option<f64>,
    /// When [`refresh_every`](Self::refresh_every) fetches next.
    next_at: f64,
}

impl Feed {
    /// A feed of `url` that has fetched nothing yet.
    pub fn new(url: &'static str) -> Self {
        Feed {
            url,
            reply: Rc::default(),
            started: None,
            next_at: 0.0,
        }
    }

    /// Starts a request now, unless one is already in flight and not yet stale.
    pub fn refresh(&mut self, now: f64) {
        if self.started.is_some_and(|at| now - at < FETCH_STALE_MS) {
            return;
        }
        self.started = Some(now);
        let (url, slot) = (self.url, self.reply.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let reply = get_bytes(url).await;
            *slot.borrow_mut() = Some(reply);
        });
    }

    /// Starts a request if `every_ms` has passed since the last one this way started.
    pub fn refresh_every(&mut self, now: f64, every_ms: f64) {
        if now >= self.next_at {
            self.next_at = now + every_ms;
            self.refresh(now);
        }
    }

    /// Fetches again at the next [`refresh_every`](Self::refresh_every).
    pub fn expire(&mut self) {
        self.next_at = 0.0;
    }

    /// The reply that arrived since the last call, if any.
    pub fn take(&mut self) -> Option<Reply> {
        let reply = self.reply.borrow_mut().take()?;
        self.started = None;
        Some(reply)
    }
}

/// GETs `url` and returns its body, or a short description of what failed.
pub async fn get_bytes(url: &str) -> Result<Vec<u8>, String> {
    let describe = |e: wasm_bindgen::JsValue| {
        e.as_string()
            .or_else(|| {
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| "network error".into())
    };
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let body = JsFuture::from(response.array_buffer().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(js_sys::Uint8Array::new(&body).to_vec())
}

#[cfg(test)]
mod tests {
    use tickwire::{RoomId, codec};

    use super::*;

    fn room(code: &str, players: u32, capacity: u32, phase: RoomPhase, left: u32) -> RoomInfo {
        RoomInfo {
            id: RoomId(1),
            code: code.into(),
            players,
            names: (0..players).map(|i| format!("p{i}")).collect(),
            spectators: 0,
            capacity,
            phase,
            seconds_left: left,
            tick: 5,
        }
    }

    fn rooms() -> Vec<RoomInfo> {
        vec![
            room("FULL1", 2, 2, RoomPhase::Running, 84),
            RoomInfo {
                names: vec!["<i>zed</i>".into()],
                spectators: 3,
                ..room("QUIET", 1, 10, RoomPhase::Waiting, 0)
            },
            room("BUSY9", 4, 10, RoomPhase::Countdown, 3),
            room("bad code", 1, 10, RoomPhase::Waiting, 0),
        ]
    }

    #[test]
    fn the_urls_ask_the_api_for_the_codec() {
        let binary = |path: &str| format!("{path}?{}", api::BINARY_QUERY);
        assert_eq!(ROOMS_URL, binary(api::ROOMS_PATH));
        assert_eq!(
            LEADERS_URL,
            format!("{}?limit=10&{}", api::LEADERBOARD_PATH, api::BINARY_QUERY)
        );
    }

    #[test]
    fn the_room_list_reads_into_rows_open_and_fullest_first() {
        let rows = read_rooms(&codec::encode(&rooms()).unwrap()).unwrap();
        let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            ["BUSY9", "QUIET", "FULL1"],
            "invalid codes are dropped"
        );
        assert!(!rows[2].open());
        assert_eq!(
            read_rooms(&codec::encode(&Vec::<RoomInfo>::new()).unwrap()).unwrap(),
            []
        );
        assert!(read_rooms(b"<html>").is_err());
    }

    #[test]
    fn room_rows_offer_join_and_watch_and_escape_names() {
        let rows = read_rooms(&codec::encode(&rooms()).unwrap()).unwrap();
        let html = rooms_html(&rows);
        assert!(html.contains("data-join=\"QUIET\">Join</button>"), "{html}");
        assert!(
            html.contains("data-watch=\"QUIET\">Watch</button>"),
            "{html}"
        );
        assert!(html.contains("data-join=\"FULL1\" disabled>"), "{html}");
        assert!(html.contains("&lt;i&gt;zed&lt;/i&gt;"), "{html}");
        assert!(html.contains("1/10"), "{html}");
        assert!(html.contains("3 watching"), "{html}");
        assert!(html.contains("playing · 1:24 left"), "{html}");
        assert!(rooms_html(&[]).contains("No public rooms"));
    }

    #[test]
    fn a_long_room_list_is_cut_short() {
        let rows: Vec<RoomInfo> = (0..MAX_LISTED_ROOMS + 5)
            .map(|i| room(&format!("R{i:04}"), 1, 10, RoomPhase::Waiting, 0))
            .collect();
        let html = rooms_html(&rows);
        assert_eq!(html.matches("data-join=").count(), MAX_LISTED_ROOMS);
        assert!(html.ends_with("and 5 more rooms</li>"), "{html}");
    }

    #[test]
    fn phases_read_as_words_with_time_left() {
        assert_eq!(phase_label(RoomPhase::Waiting, 0), "waiting for players");
        assert_eq!(phase_label(RoomPhase::Countdown, 3), "starting in 3 s");
        assert_eq!(phase_label(RoomPhase::Running, 125), "playing · 2:05 left");
        assert_eq!(phase_label(RoomPhase::Ended, 4), "round over");
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(59), "0:59");
        assert_eq!(clock(600), "10:00");
    }

    #[test]
    fn the_leaderboard_keeps_the_servers_order() {
        let row = |name: &str, rounds, wins, total, best| LeaderboardRow {
            name: name.into(),
            rounds,
            wins,
            total,
            best,
        };
        let sent = vec![row("ann", 4, 3, 40, 15), row("bo", 2, 1, 9, 7)];
        let rows = read_leaders(&codec::encode(&sent).unwrap()).unwrap();
        assert_eq!(rows, sent);
        let html = leaders_html(&rows);
        assert!(
            html.starts_with(
                "<li title=\"4 rounds, best 15\"><span>ann</span><small>3 wins</small><b>40</b></li>"
            ),
            "{html}"
        );
        assert!(html.contains("<small>1 win</small>"), "{html}");
        assert!(leaders_html(&[]).contains("No rounds"));
        assert!(read_leaders(&[0xff; 3]).is_err());
    }
}
