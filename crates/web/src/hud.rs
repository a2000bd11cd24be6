//! The round on screen: the phase line (waiting for players, time left), the big countdown,
//! and the results of a finished round, all derived from the newest snapshot's `MatchPhase`.

use tickwire::{MatchPhase, PlayerId};

use crate::{
    frontend::PlayerRow,
    text::{clock, escape},
};

/// Whole seconds in `ticks` at `tick_rate`, rounded up, so a countdown shows 3, 2, 1.
pub fn seconds(ticks: u32, tick_rate: u16) -> u32 {
    let rate = u32::from(tick_rate.max(1));
    ticks.div_ceil(rate)
}

/// The line above the board: who is missing, or how long the round has left. Empty during
/// the countdown and the results, which have their own overlays.
pub fn round_line(phase: Option<MatchPhase>, tick_rate: u16) -> String {
    match phase {
        Some(MatchPhase::Waiting { needed }) => format!(
            "Free play · waiting for {needed} more player{}",
            if needed == 1 { "" } else { "s" }
        ),
        Some(MatchPhase::Running { ticks_left }) => {
            format!("{} left", clock(seconds(ticks_left, tick_rate)))
        }
        Some(MatchPhase::Countdown { .. } | MatchPhase::Ended { .. }) | None => String::new(),
    }
}

/// The big number before a round starts, or empty.
pub fn countdown(phase: Option<MatchPhase>, tick_rate: u16) -> String {
    match phase {
        Some(MatchPhase::Countdown { ticks_left }) => {
            seconds(ticks_left, tick_rate).max(1).to_string()
        }
        _ => String::new(),
    }
}

/// `players` best score first; equal scores by name, then id.
pub fn standings(players: &[PlayerRow]) -> Vec<&PlayerRow> {
    let mut rows: Vec<&PlayerRow> = players.iter().collect();
    crate::sort_small(&mut rows, |a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
            .then(a.player.cmp(&b.player))
    });
    rows
}

/// The results overlay once a round has ended (empty otherwise): the winner or a tie, the
/// scores best first with the player's own marked, and when the next round comes.
pub fn results_html(
    phase: Option<MatchPhase>,
    players: Option<&[PlayerRow]>,
    me: Option<PlayerId>,
    tick_rate: u16,
) -> String {
    let (Some(MatchPhase::Ended { ticks_left, winner }), Some(players)) = (phase, players) else {
        return String::new();
    };
    let rows = standings(players);
    let headline = match winner {
        Some(w) if Some(w) == me => "You win!".to_owned(),
        Some(w) => match rows.iter().find(|r| r.player == w) {
            Some(row) => format!("{} wins!", escape(&row.name)),
            None => "The winner has left.".to_owned(),
        },
        None => "It's a tie!".to_owned(),
    };
    let mut html = format!("<h2>Round over</h2><p class=\"winner\">{headline}</p><ol>");
    for row in &rows {
        html.push_str(&format!(
            "<li{}><span>{}</span><b>{}</b></li>",
            if Some(row.player) == me {
                " class=\"me\""
            } else {
                ""
            },
            escape(&row.name),
            row.score
        ));
    }
    html.push_str(&format!(
        "</ol><p class=\"next\">Next round in {} s</p>",
        seconds(ticks_left, tick_rate)
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(scores: &[(u32, &str, i64)]) -> Vec<PlayerRow> {
        scores
            .iter()
            .map(|&(id, name, score)| PlayerRow {
                player: PlayerId(id),
                name: name.into(),
                score,
                out: false,
            })
            .collect()
    }

    #[test]
    fn seconds_round_up_so_the_countdown_ends_on_one() {
        assert_eq!(seconds(45, 15), 3);
        assert_eq!(seconds(31, 15), 3);
        assert_eq!(seconds(30, 15), 2);
        assert_eq!(seconds(1, 15), 1);
        assert_eq!(seconds(0, 15), 0);
        assert_eq!(seconds(7, 0), 7, "a zero rate is treated as one");
        assert_eq!(
            countdown(Some(MatchPhase::Countdown { ticks_left: 44 }), 15),
            "3"
        );
        assert_eq!(
            countdown(Some(MatchPhase::Countdown { ticks_left: 0 }), 15),
            "1"
        );
        assert_eq!(
            countdown(Some(MatchPhase::Running { ticks_left: 44 }), 15),
            ""
        );
    }

    #[test]
    fn the_round_line_says_who_is_missing_or_the_time_left() {
        let line = |phase| round_line(Some(phase), 15);
        assert_eq!(
            line(MatchPhase::Waiting { needed: 1 }),
            "Free play · waiting for 1 more player"
        );
        assert_eq!(
            line(MatchPhase::Waiting { needed: 3 }),
            "Free play · waiting for 3 more players"
        );
        assert_eq!(
            line(MatchPhase::Running {
                ticks_left: 15 * 83
            }),
            "1:23 left"
        );
        assert_eq!(line(MatchPhase::Countdown { ticks_left: 5 }), "");
        assert_eq!(round_line(None, 15), "");
    }

    #[test]
    fn results_list_scores_best_first_with_ties_by_name() {
        let s = state(&[(1, "cy", 3), (2, "ann", 7), (3, "bo", 3)]);
        let names: Vec<&str> = standings(&s).iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["ann", "bo", "cy"]);
    }

    #[test]
    fn results_name_the_winner_or_a_tie_and_mark_the_player() {
        let s = state(&[(1, "cy", 3), (2, "<ann>", 7)]);
        let ended = |winner| {
            Some(MatchPhase::Ended {
                ticks_left: 70,
                winner,
            })
        };
        let html = results_html(
            ended(Some(PlayerId(2))),
            Some(&s[..]),
            Some(PlayerId(1)),
            15,
        );
        assert_eq!(
            html,
            "<h2>Round over</h2><p class=\"winner\">&lt;ann&gt; wins!</p><ol>\
             <li><span>&lt;ann&gt;</span><b>7</b></li>\
             <li class=\"me\"><span>cy</span><b>3</b></li></ol>\
             <p class=\"next\">Next round in 5 s</p>"
        );
        let mine = results_html(
            ended(Some(PlayerId(2))),
            Some(&s[..]),
            Some(PlayerId(2)),
            15,
        );
        assert!(mine.contains("You win!"), "{mine}");
        let tie = results_html(ended(None), Some(&s[..]), None, 15);
        assert!(tie.contains("It's a tie!"), "{tie}");
        let running = Some(MatchPhase::Running { ticks_left: 9 });
        assert_eq!(results_html(running, Some(&s[..]), None, 15), "");
    }
}
