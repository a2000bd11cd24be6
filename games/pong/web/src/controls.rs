//! Holding the paddle: the arrow keys or W/S held down, or a finger above or below the own
//! paddle, become the [`Motion`] the player holds, and this decides when that is worth
//! sending. The decisions need no browser, so they are tested natively; [`sync`] carries
//! them out on the page's session.

use pong::{Motion, Pong, PongInput};
use tickwire_web::runtime::Session;

/// A key pong uses. Either key of a direction moves the paddle that way while it is down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `ArrowUp`.
    ArrowUp,
    /// `KeyW`: W on QWERTY, Z on AZERTY (the physical key counts).
    KeyW,
    /// `ArrowDown`.
    ArrowDown,
    /// `KeyS`.
    KeyS,
}

impl Key {
    /// The way this key moves the paddle.
    pub const fn motion(self) -> Motion {
        match self {
            Key::ArrowUp | Key::KeyW => Motion::Up,
            Key::ArrowDown | Key::KeyS => Motion::Down,
        }
    }

    /// This key's bit in [`Controls`]' set of keys down.
    const fn bit(self) -> u8 {
        match self {
            Key::ArrowUp => 1,
            Key::KeyW => 2,
            Key::ArrowDown => 4,
            Key::KeyS => 8,
        }
    }
}

/// The bits of the keys that move the paddle up.
const UP_KEYS: u8 = Key::ArrowUp.bit() | Key::KeyW.bit();
/// The bits of the keys that move the paddle down.
const DOWN_KEYS: u8 = Key::ArrowDown.bit() | Key::KeyS.bit();

/// The key an event names. `code` is the physical key (`KeyboardEvent.code`), so W/S work
/// on any layout; `key` catches arrows on keyboards that report their code oddly.
pub fn key_of(code: &str, key: &str) -> Option<Key> {
    match (code, key) {
        ("ArrowUp", _) => Some(Key::ArrowUp),
        ("KeyW", _) => Some(Key::KeyW),
        ("ArrowDown", _) => Some(Key::ArrowDown),
        ("KeyS", _) => Some(Key::KeyS),
        (_, "ArrowUp") => Some(Key::ArrowUp),
        (_, "ArrowDown") => Some(Key::ArrowDown),
        _ => None,
    }
}

/// What the player's keys and finger hold now.
///
/// With keys of both directions down, the one pressed last wins; letting it go hands the
/// paddle back to the other. A finger on the board wins over the keys while it is down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Controls {
    /// The keys down now, one [`Key::bit`] each.
    down: u8,
    /// The direction of the key pressed last.
    last: Motion,
    /// What the finger on the board asks for, while there is one.
    finger: Option<Motion>,
}

impl Controls {
    /// `key` went down (or repeated: holding it changes nothing).
    pub fn press(&mut self, key: Key) {
        self.down |= key.bit();
        self.last = key.motion();
    }

    /// `key` went up.
    pub fn release(&mut self, key: Key) {
        self.down &= !key.bit();
    }

    /// A finger on the board asks for `motion`; `None` once it lifts.
    pub fn touch(&mut self, motion: Option<Motion>) {
        self.finger = motion;
    }

    /// The motion held now.
    pub fn held(&self) -> Motion {
        if let Some(motion) = self.finger {
            return motion;
        }
        match (self.down & UP_KEYS != 0, self.down & DOWN_KEYS != 0) {
            (true, true) => self.last,
            (true, false) => Motion::Up,
            (false, true) => Motion::Down,
            (false, false) => Motion::Stop,
        }
    }
}

/// What a finger at court height `finger_y` asks of a paddle centred at `paddle_y`: up
/// while it is above the paddle, down while below, still while on it.
pub fn touch_motion(finger_y: f64, paddle_y: f64, paddle_height: u16) -> Motion {
    let half = f64::from(paddle_height) / 2.0;
    if finger_y < paddle_y - half {
        Motion::Up
    } else if finger_y > paddle_y + half {
        Motion::Down
    } else {
        Motion::Stop
    }
}

/// The motion the server applies to the own paddle once everything sent has arrived: the
/// newest input the server has not acknowledged yet (`pending`), else what the newest
/// state says the paddle holds (`server`), else still, as a newly seated paddle is.
pub fn expected(pending: Option<Motion>, server: Option<Motion>) -> Motion {
    pending.or(server).unwrap_or_default()
}

/// The motion the server applies to the own paddle once everything sent has arrived, as
/// [`expected`] says from `session`'s newest unacknowledged input (the session forgets
/// those of an old connection) and what the newest state says the paddle holds.
pub fn expected_in(session: &Session<Pong>) -> Motion {
    let server = session.me().and_then(|me| {
        let (_, state) = session.timeline().latest()?;
        Some(state.paddle(me)?.motion)
    });
    expected(session.pending_input().map(|input| input.motion), server)
}

/// Sends `held` if the server does not already expect it and the world moves (see
/// [`to_send`]); only a seated player sends.
pub fn sync(held: Motion, session: &mut Session<Pong>) {
    if session.me().is_none() {
        return;
    }
    if let Some(motion) = to_send(held, expected_in(session), session.world_moves()) {
        session.send_input(PongInput { motion });
    }
}

/// The motion to send now, if any: what is `held`, when the server does not already expect
/// it and the world moves. A repeated key (or a finger moving within the same zone) sends
/// nothing.
pub fn to_send(held: Motion, expected: Motion, world_moves: bool) -> Option<Motion> {
    (world_moves && held != expected).then_some(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_and_w_s_map_to_keys_by_physical_position() {
        assert_eq!(key_of("ArrowUp", "ArrowUp"), Some(Key::ArrowUp));
        assert_eq!(
            key_of("KeyW", "z"),
            Some(Key::KeyW),
            "AZERTY: the key's place counts"
        );
        assert_eq!(key_of("ArrowDown", "ArrowDown"), Some(Key::ArrowDown));
        assert_eq!(key_of("KeyS", "s"), Some(Key::KeyS));
        assert_eq!(key_of("", "ArrowDown"), Some(Key::ArrowDown));
        assert_eq!(key_of("KeyA", "a"), None);
        assert_eq!(key_of("ArrowLeft", "ArrowLeft"), None);
        assert_eq!(Key::KeyW.motion(), Motion::Up);
        assert_eq!(Key::KeyS.motion(), Motion::Down);
    }

    #[test]
    fn the_key_pressed_last_wins_and_letting_it_go_hands_back_to_the_other() {
        let mut controls = Controls::default();
        assert_eq!(controls.held(), Motion::Stop);
        controls.press(Key::ArrowUp);
        assert_eq!(controls.held(), Motion::Up);
        controls.press(Key::ArrowDown);
        assert_eq!(controls.held(), Motion::Down);
        controls.release(Key::ArrowDown);
        assert_eq!(controls.held(), Motion::Up, "up is still held");
        controls.release(Key::ArrowUp);
        assert_eq!(controls.held(), Motion::Stop);
    }

    #[test]
    fn both_keys_of_a_direction_must_be_let_go_to_stop() {
        let mut controls = Controls::default();
        controls.press(Key::ArrowUp);
        controls.press(Key::KeyW);
        controls.release(Key::ArrowUp);
        assert_eq!(controls.held(), Motion::Up);
        controls.release(Key::KeyW);
        assert_eq!(controls.held(), Motion::Stop);
    }

    #[test]
    fn releasing_a_key_that_was_never_pressed_changes_nothing() {
        let mut controls = Controls::default();
        controls.press(Key::KeyS);
        controls.release(Key::ArrowUp);
        assert_eq!(controls.held(), Motion::Down);
    }

    #[test]
    fn a_finger_wins_over_keys_until_it_lifts() {
        let mut controls = Controls::default();
        controls.press(Key::ArrowDown);
        controls.touch(Some(Motion::Up));
        assert_eq!(controls.held(), Motion::Up);
        controls.touch(Some(Motion::Stop));
        assert_eq!(controls.held(), Motion::Stop);
        controls.touch(None);
        assert_eq!(controls.held(), Motion::Down);
    }

    #[test]
    fn a_finger_above_the_paddle_moves_it_up_below_down_and_on_it_holds_it() {
        // A 160-unit paddle centred at 500 spans 420..=580.
        assert_eq!(touch_motion(100.0, 500.0, 160), Motion::Up);
        assert_eq!(touch_motion(419.0, 500.0, 160), Motion::Up);
        assert_eq!(touch_motion(420.0, 500.0, 160), Motion::Stop);
        assert_eq!(touch_motion(500.0, 500.0, 160), Motion::Stop);
        assert_eq!(touch_motion(580.0, 500.0, 160), Motion::Stop);
        assert_eq!(touch_motion(581.0, 500.0, 160), Motion::Down);
    }

    #[test]
    fn an_unacknowledged_input_is_what_the_server_will_apply() {
        assert_eq!(expected(Some(Motion::Up), Some(Motion::Stop)), Motion::Up);
        assert_eq!(
            expected(None, Some(Motion::Down)),
            Motion::Down,
            "once acknowledged, the state has it"
        );
        assert_eq!(expected(None, None), Motion::Stop);
    }

    #[test]
    fn only_a_change_of_what_is_held_is_sent_and_only_while_the_world_moves() {
        assert_eq!(to_send(Motion::Up, Motion::Stop, true), Some(Motion::Up));
        assert_eq!(
            to_send(Motion::Up, Motion::Up, true),
            None,
            "a repeated key sends nothing"
        );
        assert_eq!(
            to_send(Motion::Up, Motion::Stop, false),
            None,
            "frozen: nothing is sent"
        );
    }
}
