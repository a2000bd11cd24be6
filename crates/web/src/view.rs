//! What the page says, as plain text and HTML made from the session and the game's
//! frontend: the status line, scoreboard, room bar, banner and the `data-state` JSON. No DOM
//! here, so it is tested natively; `page.rs` writes it into the elements.

use tickwire::{MatchPhase, PlayerId, Role};

use crate::{frontend::PlayerRow, runtime::Phase, text::escape};

/// What the page shows, gathered from the session and the game's frontend each frame.
#[derive(Debug)]
pub struct View<'a> {
    /// Where the session is.
    pub phase: &'a Phase,
    /// Page time, ms.
    pub now: f64,
    /// The player, once seated.
    pub me: Option<PlayerId>,
    /// Playing or watching, once welcomed.
    pub role: Option<Role>,
    /// The room's code, once welcomed.
    pub code: Option<&'a str>,
    /// Whether that room is private.
    pub private: bool,
    /// Round-trip time to the server.
    pub rtt_ms: Option<f64>,
    /// The room's tick rate.
    pub tick_rate: u16,
    /// The newest snapshot's tick, while playing.
    pub tick: Option<u64>,
    /// The players of the newest snapshot ([`crate::Frontend::players`]), while playing.
    pub players: Option<&'a [PlayerRow]>,
    /// The game's line for the player ([`crate::Frontend::banner`]).
    pub game_banner: &'a str,
    /// The game's members of `data-state` ([`crate::Frontend::state_json`]).
    pub game_json: &'a str,
    /// Why the session last stopped or what it waits for.
    pub notice: Option<&'a str>,
    /// The room's round phase.
    pub match_phase: Option<MatchPhase>,
}

impl View<'_> {
    fn watching(&self) -> bool {
        self.role == Some(Role::Spectator)
    }

    /// The session's phase, ping, tick and player count, for the header's status line.
    pub(crate) fn status_line(&self) -> String {
        let phase = if self.watching() && *self.phase == Phase::Playing {
            "watching"
        } else {
            self.phase.name()
        };
        let mut parts = vec![phase.to_owned()];
        if let Some(rtt) = self.rtt_ms {
            parts.push(format!("ping {} ms", crate::whole(rtt)));
        }
        if let (Some(tick), Some(players)) = (self.tick, self.players) {
            parts.push(format!("tick {tick}"));
            let players = players.len();
            parts.push(format!(
                "{players} player{}",
                if players == 1 { "" } else { "s" }
            ));
        }
        parts.join(" · ")
    }

    /// The ten best scores as `<li>` rows, names escaped: empty outside a room.
    pub(crate) fn scoreboard_html(&self) -> String {
        let Some(players) = self.players else {
            return String::new();
        };
        let mut rows: Vec<&PlayerRow> = players.iter().collect();
        crate::sort_small(&mut rows, |a, b| {
            b.score.cmp(&a.score).then(a.player.cmp(&b.player))
        });
        rows.iter()
            .take(10)
            .map(|row| {
                let mut class = Vec::new();
                if Some(row.player) == self.me {
                    class.push("me");
                }
                if row.out {
                    class.push("dead");
                }
                format!(
                    "<li class=\"{}\"><span>{}</span><b>{}</b></li>",
                    class.join(" "),
                    escape(&row.name),
                    row.score
                )
            })
            .collect()
    }

    /// Where the player is, for the room bar: empty outside a room.
    pub(crate) fn place(&self) -> String {
        let Some(code) = self.code.filter(|_| *self.phase == Phase::Playing) else {
            return String::new();
        };
        match (self.watching(), self.private) {
            (true, _) => format!("Watching {code}"),
            (false, true) => format!("Private room {code}"),
            (false, false) => format!("Room {code}"),
        }
    }

    /// The code to invite friends to: a private room's, for its players.
    pub(crate) fn invite_code(&self) -> Option<&str> {
        self.code
            .filter(|_| self.private && !self.watching() && *self.phase == Phase::Playing)
    }

    /// The banner on the board: the connection's trouble, the room watched, or the game's line.
    pub(crate) fn banner(&self) -> String {
        match self.phase {
            Phase::Reconnecting { retry_at, attempt } => {
                let wait = ((retry_at - self.now) / 1000.0).max(0.0);
                if wait > 0.05 {
                    format!(
                        "Connection lost. Reconnecting in {} s (attempt {attempt})…",
                        crate::tenths(wait)
                    )
                } else {
                    format!("Connection lost. Reconnecting (attempt {attempt})…")
                }
            }
            Phase::Connecting => "Connecting…".into(),
            Phase::Failed(failure) => failure.to_string(),
            Phase::Closed { code, reason } => format!("Disconnected ({code} {reason})."),
            Phase::Lobby => String::new(),
            Phase::Playing if self.watching() => {
                format!("Watching room {}", self.code.unwrap_or_default())
            }
            // Frozen for a countdown or results: respawn times stand still, so say nothing.
            Phase::Playing
                if matches!(
                    self.match_phase,
                    Some(MatchPhase::Countdown { .. } | MatchPhase::Ended { .. })
                ) =>
            {
                String::new()
            }
            Phase::Playing => self.game_banner.to_owned(),
        }
    }

    /// `{"phase":…,"tick":…,"me":…,"players":…,"round":…,"role":…,"code":…}` and the
    /// game's own members, for tests and tools: `role` is `"player"` or `"spectator"` once
    /// welcomed, `code` the room's code.
    pub fn state_json(&self) -> String {
        let tick = self.tick.unwrap_or(0);
        let players = self.players.map_or(0, <[PlayerRow]>::len);
        let me = self.me.map_or("null".to_owned(), |p| p.0.to_string());
        let round = match self.match_phase {
            None => "null",
            Some(MatchPhase::Waiting { .. }) => "\"waiting\"",
            Some(MatchPhase::Countdown { .. }) => "\"countdown\"",
            Some(MatchPhase::Running { .. }) => "\"running\"",
            Some(MatchPhase::Ended { .. }) => "\"ended\"",
        };
        let role = match self.role {
            None => "null",
            Some(Role::Player(_)) => "\"player\"",
            Some(Role::Spectator) => "\"spectator\"",
        };
        // Codes are A-Z and 0-9 only; escaped anyway so the JSON stays valid whatever comes.
        let code = self
            .code
            .map_or("null".to_owned(), |c| format!("\"{}\"", escape(c)));
        format!(
            "{{\"phase\":\"{}\",\"tick\":{tick},\"me\":{me},\"players\":{players},\"round\":{round},\"role\":{role},\"code\":{code}{}}}",
            self.phase.name(),
            self.game_json
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn players() -> Vec<PlayerRow> {
        let row = |id: u32, name: &str, score: i64, out: bool| PlayerRow {
            player: PlayerId(id),
            name: name.into(),
            score,
            out,
        };
        vec![row(1, "ann", 2, false), row(2, "<b>bo</b>", 5, true)]
    }

    fn view<'a>(phase: &'a Phase, players: &'a [PlayerRow], me: u32) -> View<'a> {
        View {
            phase,
            now: 0.0,
            me: Some(PlayerId(me)),
            role: Some(Role::Player(PlayerId(me))),
            code: Some("K7QX"),
            private: false,
            rtt_ms: Some(12.4),
            tick_rate: 15,
            tick: Some(40),
            players: Some(players),
            game_banner: "",
            game_json: r#","alive":true"#,
            notice: None,
            match_phase: Some(MatchPhase::Running { ticks_left: 9 }),
        }
    }

    #[test]
    fn the_state_attribute_is_json_for_tests() {
        let p = players();
        assert_eq!(
            view(&Phase::Playing, &p, 1).state_json(),
            r#"{"phase":"playing","tick":40,"me":1,"players":2,"round":"running","role":"player","code":"K7QX","alive":true}"#
        );
    }

    #[test]
    fn a_spectator_has_no_player_and_says_it_is_watching() {
        let p = players();
        let mut v = view(&Phase::Playing, &p, 1);
        v.me = None;
        v.role = Some(Role::Spectator);
        v.game_json = "";
        assert_eq!(
            v.state_json(),
            r#"{"phase":"playing","tick":40,"me":null,"players":2,"round":"running","role":"spectator","code":"K7QX"}"#
        );
        assert_eq!(v.place(), "Watching K7QX");
        assert_eq!(v.banner(), "Watching room K7QX");
        assert!(
            v.status_line().starts_with("watching · "),
            "{}",
            v.status_line()
        );
        assert_eq!(v.invite_code(), None);
        assert!(v.scoreboard_html().contains("ann"), "the scoreboard stays");
    }

    #[test]
    fn a_private_room_offers_its_code_to_invite_with() {
        let p = players();
        let mut v = view(&Phase::Playing, &p, 1);
        assert_eq!(v.place(), "Room K7QX");
        assert_eq!(v.invite_code(), None, "public rooms are found in the lobby");
        v.private = true;
        assert_eq!(v.place(), "Private room K7QX");
        assert_eq!(v.invite_code(), Some("K7QX"));
        let lobby = view(&Phase::Lobby, &p, 1);
        assert_eq!(lobby.place(), "");
    }

    #[test]
    fn outside_a_room_the_state_has_no_role_or_code() {
        let v = View {
            phase: &Phase::Lobby,
            now: 0.0,
            me: None,
            role: None,
            code: None,
            private: false,
            rtt_ms: None,
            tick_rate: 15,
            tick: None,
            players: None,
            game_banner: "",
            game_json: "",
            notice: None,
            match_phase: None,
        };
        assert_eq!(
            v.state_json(),
            r#"{"phase":"lobby","tick":0,"me":null,"players":0,"round":null,"role":null,"code":null}"#
        );
    }

    #[test]
    fn the_scoreboard_ranks_by_score_and_escapes_names() {
        let p = players();
        let html = view(&Phase::Playing, &p, 1).scoreboard_html();
        assert!(
            html.starts_with("<li class=\"dead\"><span>&lt;b&gt;bo&lt;/b&gt;</span><b>5</b></li>"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"me\"><span>ann</span><b>2</b></li>"),
            "{html}"
        );
    }

    #[test]
    fn the_game_speaks_while_the_world_moves_and_is_quiet_while_frozen() {
        let p = players();
        let mut v = view(&Phase::Playing, &p, 2);
        v.game_banner = "You crashed!";
        assert_eq!(v.banner(), "You crashed!");
        v.match_phase = Some(MatchPhase::Ended {
            ticks_left: 30,
            winner: None,
        });
        assert_eq!(v.banner(), "");
        v.match_phase = Some(MatchPhase::Countdown { ticks_left: 30 });
        assert_eq!(v.banner(), "");
    }

    #[test]
    fn the_status_line_shows_state_ping_tick_and_players() {
        let p = players();
        assert_eq!(
            view(&Phase::Playing, &p, 1).status_line(),
            "playing · ping 12 ms · tick 40 · 2 players"
        );
    }
}
