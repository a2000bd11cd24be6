//! The round's phase machine (waiting → countdown → running → ended → next round) as pure
//! functions of the phase, who is present and the rules, so a room only carries out what
//! they decide and the timing rules are tested without a world.

use tickwire::{MatchPhase, PlayerId};

use crate::result::PlayerResult;

/// How rounds run, in ticks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MatchRules {
    /// Players needed to start a round.
    pub(crate) min_players: usize,
    pub(crate) countdown_ticks: u32,
    pub(crate) round_ticks: u32,
    pub(crate) results_ticks: u32,
    /// How long a dropped player's seat is kept for it to resume.
    pub(crate) grace_ticks: u64,
    /// Ticks per second, to turn round lengths into durations.
    pub(crate) tick_rate: u16,
}

/// What a room does on one tick, and the phase it moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// Move to this phase with the world frozen (a countdown, or a round's results).
    Freeze(MatchPhase),
    /// Move to this phase and run the game's systems in it.
    Run(MatchPhase),
    /// Tell the game a round starts, then run its first tick in this phase.
    StartRound(MatchPhase),
    /// Run the round's last tick (in [`LAST_TICK`]), then end the round: its results
    /// decide the [`ended`] phase.
    EndRound,
}

/// The phase a round's last tick runs in; its snapshot already shows the round ended.
pub(crate) const LAST_TICK: MatchPhase = MatchPhase::Running { ticks_left: 0 };

/// The turn after `phase`, with `present` players seated and the server `draining` (which
/// starts no countdown and stops a running one). Lengths of zero ticks count as one.
pub(crate) fn next_turn(
    phase: MatchPhase,
    present: usize,
    draining: bool,
    rules: &MatchRules,
) -> Turn {
    let can_start = present >= rules.min_players.max(1) && !draining;
    match phase {
        MatchPhase::Waiting { .. } if can_start => Turn::Freeze(countdown(rules)),
        MatchPhase::Waiting { .. } => Turn::Run(waiting(rules, present)),
        MatchPhase::Countdown { .. } if !can_start => Turn::Run(waiting(rules, present)),
        MatchPhase::Countdown { ticks_left } if ticks_left > 1 => {
            Turn::Freeze(MatchPhase::Countdown {
                ticks_left: ticks_left - 1,
            })
        }
        MatchPhase::Countdown { .. } => Turn::StartRound(MatchPhase::Running {
            ticks_left: rules.round_ticks.max(1),
        }),
        MatchPhase::Running { ticks_left } if ticks_left > 1 => Turn::Run(MatchPhase::Running {
            ticks_left: ticks_left - 1,
        }),
        MatchPhase::Running { .. } => Turn::EndRound,
        MatchPhase::Ended { ticks_left, winner } if ticks_left > 1 => {
            Turn::Freeze(MatchPhase::Ended {
                ticks_left: ticks_left - 1,
                winner,
            })
        }
        MatchPhase::Ended { .. } if can_start => Turn::Freeze(countdown(rules)),
        MatchPhase::Ended { .. } => Turn::Run(waiting(rules, present)),
    }
}

/// Free play, saying how many more players a round needs.
pub(crate) fn waiting(rules: &MatchRules, present: usize) -> MatchPhase {
    let needed = rules.min_players.saturating_sub(present);
    MatchPhase::Waiting {
        needed: u8::try_from(needed).unwrap_or(u8::MAX),
    }
}

fn countdown(rules: &MatchRules) -> MatchPhase {
    MatchPhase::Countdown {
        ticks_left: rules.countdown_ticks.max(1),
    }
}

/// The results of a round `winner` won (or nobody did).
pub(crate) fn ended(rules: &MatchRules, winner: Option<PlayerId>) -> MatchPhase {
    MatchPhase::Ended {
        ticks_left: rules.results_ticks.max(1),
        winner,
    }
}

/// Orders a round's results best first (equal scores by player id) and names the winner:
/// the top scorer, unless the top score is shared.
pub(crate) fn rank(players: &mut [(PlayerId, PlayerResult)]) -> Option<PlayerId> {
    players.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.cmp(&b.0)));
    match players {
        [first, second, ..] if first.1.score == second.1.score => None,
        [first, ..] => Some(first.0),
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchPhase::*;

    fn rules() -> MatchRules {
        MatchRules {
            min_players: 2,
            countdown_ticks: 3,
            round_ticks: 5,
            results_ticks: 4,
            grace_ticks: 10,
            tick_rate: 10,
        }
    }

    fn next(phase: MatchPhase, present: usize) -> Turn {
        next_turn(phase, present, false, &rules())
    }

    #[test]
    fn waiting_runs_free_play_and_counts_the_players_still_needed() {
        assert_eq!(
            next(Waiting { needed: 2 }, 0),
            Turn::Run(Waiting { needed: 2 })
        );
        assert_eq!(
            next(Waiting { needed: 2 }, 1),
            Turn::Run(Waiting { needed: 1 })
        );
    }

    #[test]
    fn enough_players_start_a_frozen_countdown() {
        assert_eq!(
            next(Waiting { needed: 1 }, 2),
            Turn::Freeze(Countdown { ticks_left: 3 })
        );
        assert_eq!(
            next(Countdown { ticks_left: 3 }, 2),
            Turn::Freeze(Countdown { ticks_left: 2 })
        );
    }

    #[test]
    fn the_countdowns_last_tick_starts_the_round() {
        assert_eq!(
            next(Countdown { ticks_left: 1 }, 2),
            Turn::StartRound(Running { ticks_left: 5 })
        );
    }

    #[test]
    fn a_player_leaving_during_the_countdown_returns_to_waiting() {
        assert_eq!(
            next(Countdown { ticks_left: 2 }, 1),
            Turn::Run(Waiting { needed: 1 })
        );
    }

    #[test]
    fn a_running_round_runs_to_its_last_tick_even_if_players_leave() {
        assert_eq!(
            next(Running { ticks_left: 5 }, 1),
            Turn::Run(Running { ticks_left: 4 })
        );
        assert_eq!(next(Running { ticks_left: 1 }, 2), Turn::EndRound);
        assert_eq!(
            next_turn(Running { ticks_left: 1 }, 0, true, &rules()),
            Turn::EndRound
        );
    }

    #[test]
    fn results_stay_frozen_then_the_next_countdown_or_waiting_follows() {
        let winner = Some(PlayerId(3));
        assert_eq!(
            next(
                Ended {
                    ticks_left: 2,
                    winner
                },
                2
            ),
            Turn::Freeze(Ended {
                ticks_left: 1,
                winner
            })
        );
        assert_eq!(
            next(
                Ended {
                    ticks_left: 1,
                    winner
                },
                2
            ),
            Turn::Freeze(Countdown { ticks_left: 3 })
        );
        assert_eq!(
            next(
                Ended {
                    ticks_left: 1,
                    winner
                },
                1
            ),
            Turn::Run(Waiting { needed: 1 })
        );
    }

    #[test]
    fn a_draining_server_starts_no_countdown_and_stops_one_under_way() {
        let draining = |phase| next_turn(phase, 2, true, &rules());
        assert_eq!(
            draining(Waiting { needed: 0 }),
            Turn::Run(Waiting { needed: 0 })
        );
        assert_eq!(
            draining(Countdown { ticks_left: 2 }),
            Turn::Run(Waiting { needed: 0 })
        );
        assert_eq!(
            draining(Ended {
                ticks_left: 1,
                winner: None
            }),
            Turn::Run(Waiting { needed: 0 })
        );
    }

    #[test]
    fn lengths_of_zero_ticks_count_as_one_and_a_round_needs_someone() {
        let rules = MatchRules {
            min_players: 0,
            countdown_ticks: 0,
            round_ticks: 0,
            results_ticks: 0,
            ..rules()
        };
        assert_eq!(
            next_turn(Waiting { needed: 0 }, 0, false, &rules),
            Turn::Run(Waiting { needed: 0 })
        );
        assert_eq!(
            next_turn(Waiting { needed: 0 }, 1, false, &rules),
            Turn::Freeze(Countdown { ticks_left: 1 })
        );
        assert_eq!(
            next_turn(Countdown { ticks_left: 1 }, 1, false, &rules),
            Turn::StartRound(Running { ticks_left: 1 })
        );
        assert_eq!(
            ended(&rules, None),
            Ended {
                ticks_left: 1,
                winner: None
            }
        );
    }

    fn result(player: u32, score: i64) -> (PlayerId, PlayerResult) {
        let name = format!("p{player}");
        (PlayerId(player), PlayerResult { name, score })
    }

    #[test]
    fn the_top_score_wins_and_results_are_ordered_best_first() {
        let mut players = [result(1, 2), result(2, 7), result(3, 2)];
        assert_eq!(rank(&mut players), Some(PlayerId(2)));
        let order: Vec<PlayerId> = players.iter().map(|(p, _)| *p).collect();
        assert_eq!(order, [PlayerId(2), PlayerId(1), PlayerId(3)]);
    }

    #[test]
    fn a_shared_top_score_has_no_winner() {
        assert_eq!(rank(&mut [result(1, 4), result(2, 4)]), None);
        assert_eq!(rank(&mut []), None);
        assert_eq!(rank(&mut [result(5, -1)]), Some(PlayerId(5)));
    }
}
