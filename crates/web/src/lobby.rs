//! The lobby's data: public rooms from `/api/rooms` and the all-time leaderboard from
//! `/api/leaderboard`, read from JSON into rows and written as HTML, and [`Feed`], which
//! fetches them in the background without ever blocking a frame.

use std::{cell::RefCell, rc::Rc};

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::{
    json::{self, Json},
    page::escape,
};

/// The public rooms, listed by the server.
pub const ROOMS_URL: &str = "/api/rooms";
/// The ten best players of all time.
pub const LEADERS_URL: &str = "/api/leaderboard?limit=10";
/// How often the room list is fetched while the lobby is shown, in ms.
pub const ROOMS_EVERY_MS: f64 = 2_000.0;
/// A request unanswered this long (ms) no longer holds back the next one.
pub const FETCH_STALE_MS: f64 = 10_000.0;
/// The most rooms listed; a longer list helps no one choose (quick play picks for them).
pub const MAX_LISTED_ROOMS: usize = 20;

/// One public room as the lobby lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomRow {
    /// The code that joins or watches it.
    pub code: String,
    /// Players seated.
    pub players: u32,
    /// The most players it takes.
    pub capacity: u32,
    /// Their names.
    pub names: Vec<String>,
    /// Spectators watching.
    pub spectators: u32,
    /// `waiting`, `countdown`, `running` or `ended`.
    pub phase: String,
    /// Whole seconds until the phase changes, rounded up.
    pub seconds_left: u32,
}

impl RoomRow {
    /// Whether a player can still take a seat.
    pub fn open(&self) -> bool {
        self.players < self.capacity
    }
}

/// Reads `/api/rooms`: rooms with a valid code, open ones first, then the fullest, then by
/// code. A room missing other fields gets zeros rather than hiding the others.
pub fn rooms_from_json(text: &str) -> Result<Vec<RoomRow>, String> {
    let value = json::parse(text)?;
    let items = value.as_array().ok_or("the room list is not an array")?;
    let count = |room: &Json, key: &str| room.get(key).and_then(Json::as_u32).unwrap_or(0);
    let mut rows: Vec<RoomRow> = items
        .iter()
        .filter_map(|room| {
            let code = room.get("code")?.as_str()?;
            if !tickwire::valid_room_code(code) {
                return None;
            }
            let seconds = room
                .get("seconds_left")
                .and_then(Json::as_f64)
                .unwrap_or(0.0);
            Some(RoomRow {
                code: code.to_owned(),
                players: count(room, "players"),
                capacity: count(room, "capacity"),
                names: room
                    .get("names")
                    .and_then(Json::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect(),
                spectators: count(room, "spectators"),
                phase: room
                    .get("phase")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                seconds_left: seconds.max(0.0).ceil().min(f64::from(u32::MAX)) as u32,
            })
        })
        .collect();
    crate::sort_small(&mut rows, |a, b| {
        b.open()
            .cmp(&a.open())
            .then(b.players.cmp(&a.players))
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(rows)
}

/// `m:ss` for a number of seconds.
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// What a room is doing, in a few words.
pub fn phase_label(phase: &str, seconds_left: u32) -> String {
    match phase {
        "waiting" => "waiting for players".into(),
        "countdown" => format!("starting in {seconds_left} s"),
        "running" => format!("playing · {} left", clock(seconds_left)),
        "ended" => "round over".into(),
        other => escape(other),
    }
}

/// The room list: one `<li>` per room with Join (disabled when full) and Watch buttons that
/// carry the code in `data-join` / `data-watch`, or a line saying there are none.
pub fn rooms_html(rows: &[RoomRow]) -> String {
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
            phase_label(&row.phase, row.seconds_left),
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

/// One row of the all-time leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderRow {
    /// The player's name.
    pub name: String,
    /// Rounds played to the end.
    pub rounds: u32,
    /// Rounds won outright.
    pub wins: u32,
    /// Score summed over every round.
    pub total: u32,
    /// Best score in one round.
    pub best: u32,
}

/// Reads `/api/leaderboard`, keeping the server's order (best first).
pub fn leaders_from_json(text: &str) -> Result<Vec<LeaderRow>, String> {
    let value = json::parse(text)?;
    let items = value.as_array().ok_or("the leaderboard is not an array")?;
    let count = |row: &Json, key: &str| row.get(key).and_then(Json::as_u32).unwrap_or(0);
    Ok(items
        .iter()
        .filter_map(|row| {
            Some(LeaderRow {
                name: row.get("name")?.as_str()?.to_owned(),
                rounds: count(row, "rounds"),
                wins: count(row, "wins"),
                total: count(row, "total"),
                best: count(row, "best"),
            })
        })
        .collect())
}

/// The leaderboard as `<li>` rows: name, then wins and total score, best round in the title.
pub fn leaders_html(rows: &[LeaderRow]) -> String {
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
type Reply = Result<String, String>;

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
            let reply = get_text(url).await;
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
pub async fn get_text(url: &str) -> Result<String, String> {
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
    let body = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    body.as_string()
        .ok_or_else(|| "the body is not text".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMS: &str = r#"[
        {"id":1,"code":"FULL1","players":2,"names":["a","b"],"spectators":0,"capacity":2,"phase":"running","seconds_left":83.2,"tick":900},
        {"id":2,"code":"QUIET","players":1,"names":["<i>zed</i>"],"spectators":3,"capacity":10,"phase":"waiting","seconds_left":0.0,"tick":5},
        {"id":3,"code":"BUSY9","players":4,"names":["c","d","e","f"],"spectators":0,"capacity":10,"phase":"countdown","seconds_left":2.0666666666666664,"tick":40},
        {"id":4,"code":"bad code","players":1,"names":[],"spectators":0,"capacity":10,"phase":"waiting","seconds_left":0,"tick":1}
    ]"#;

    #[test]
    fn the_room_list_reads_into_rows_open_and_fullest_first() {
        let rows = rooms_from_json(ROOMS).unwrap();
        let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            ["BUSY9", "QUIET", "FULL1"],
            "invalid codes are dropped"
        );
        assert_eq!(
            rows[0],
            RoomRow {
                code: "BUSY9".into(),
                players: 4,
                capacity: 10,
                names: vec!["c".into(), "d".into(), "e".into(), "f".into()],
                spectators: 0,
                phase: "countdown".into(),
                seconds_left: 3,
            }
        );
        assert!(!rows[2].open());
        assert_eq!(rooms_from_json("[]").unwrap(), []);
        assert!(rooms_from_json("{}").is_err());
        assert!(rooms_from_json("<html>").is_err());
    }

    #[test]
    fn room_rows_offer_join_and_watch_and_escape_names() {
        let rows = rooms_from_json(ROOMS).unwrap();
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
        let row = |i: usize| RoomRow {
            code: format!("R{i:04}"),
            players: 1,
            capacity: 10,
            names: vec![],
            spectators: 0,
            phase: "waiting".into(),
            seconds_left: 0,
        };
        let rows: Vec<RoomRow> = (0..MAX_LISTED_ROOMS + 5).map(row).collect();
        let html = rooms_html(&rows);
        assert_eq!(html.matches("data-join=").count(), MAX_LISTED_ROOMS);
        assert!(html.ends_with("and 5 more rooms</li>"), "{html}");
    }

    #[test]
    fn phases_read_as_words_with_time_left() {
        assert_eq!(phase_label("waiting", 0), "waiting for players");
        assert_eq!(phase_label("countdown", 3), "starting in 3 s");
        assert_eq!(phase_label("running", 125), "playing · 2:05 left");
        assert_eq!(phase_label("ended", 4), "round over");
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(59), "0:59");
        assert_eq!(clock(600), "10:00");
    }

    #[test]
    fn the_leaderboard_keeps_the_servers_order() {
        let text = r#"[{"name":"ann","rounds":4,"wins":3,"total":40,"best":15},
                       {"name":"bo","rounds":2,"wins":1,"total":9,"best":7},
                       {"rounds":1}]"#;
        let rows = leaders_from_json(text).unwrap();
        assert_eq!(
            rows,
            [
                LeaderRow {
                    name: "ann".into(),
                    rounds: 4,
                    wins: 3,
                    total: 40,
                    best: 15
                },
                LeaderRow {
                    name: "bo".into(),
                    rounds: 2,
                    wins: 1,
                    total: 9,
                    best: 7
                },
            ]
        );
        let html = leaders_html(&rows);
        assert!(
            html.starts_with(
                "<li title=\"4 rounds, best 15\"><span>ann</span><small>3 wins</small><b>40</b></li>"
            ),
            "{html}"
        );
        assert!(html.contains("<small>1 win</small>"), "{html}");
        assert!(leaders_html(&[]).contains("No rounds"));
    }
}
