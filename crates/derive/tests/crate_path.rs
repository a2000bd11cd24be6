//! The derive in a crate that has the proto crate under another name and no serde of its own:
//! `#[diff(crate = "proto")]` must be honoured (`::tickwire` does not resolve here) and
//! generated code must reach serde through the proto crate. Generated items must also pass
//! `missing_docs` and `unreachable_pub` for public, crate-visible and private types.
#![deny(missing_docs, unreachable_pub)]

use proto::__private::serde::{Deserialize, Serialize};
use proto::Diff;

/// A public struct.
#[derive(Debug, Clone, PartialEq, Diff)]
#[diff(crate = "proto")]
pub struct Score {
    /// Left player's points.
    pub left: u16,
    /// Right player's points.
    pub right: u16,
    /// Points in order, newest first: a deque reaches `ShiftDiff` through the proto crate.
    #[diff(deque)]
    pub history: Vec<u8>,
}

/// A public enum: a changed variant is sent whole, so it is serde through the proto crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Diff)]
#[serde(crate = "proto::__private::serde")]
#[diff(crate = "proto")]
pub enum Turn {
    /// Nobody's.
    Idle,
    /// The right player's, with a budget.
    Right {
        /// Moves left.
        moves: u8,
    },
}

mod hidden {
    #[derive(Debug, Clone, PartialEq, proto::Diff)]
    #[diff(crate = "proto")]
    pub(crate) struct Visible(pub(crate) u8);

    #[derive(Debug, Clone, PartialEq, proto::Diff)]
    #[diff(crate = "proto")]
    struct Private {
        a: u8,
    }

    pub(crate) fn private_round_trips() -> bool {
        use proto::Diff as _;
        let (base, next) = (Private { a: 1 }, Private { a: 2 });
        base.apply(&base.diff(&next)) == Ok(next)
    }
}

fn through_the_codec<T: Diff>(base: &T, next: &T) -> Result<T, String> {
    let wire = proto::codec::encode(&base.diff(next)).map_err(|e| e.to_string())?;
    let delta: T::Delta = proto::codec::decode(&wire).map_err(|e| e.to_string())?;
    base.apply(&delta).map_err(|e| e.to_string())
}

#[test]
fn renamed_crate_path_round_trips_through_the_codec() {
    let base = Score {
        left: 1,
        right: 2,
        history: vec![1, 0],
    };
    let next = Score {
        right: 3,
        history: vec![2, 1, 0],
        ..base.clone()
    };
    assert_eq!(through_the_codec(&base, &next), Ok(next));
    let turn = Turn::Right { moves: 3 };
    assert_eq!(through_the_codec(&Turn::Idle, &turn), Ok(turn.clone()));
    assert_eq!(
        through_the_codec(&turn, &Turn::Right { moves: 2 }),
        Ok(Turn::Right { moves: 2 })
    );
}

#[test]
fn crate_visible_and_private_types_get_deltas_of_their_own_visibility() {
    let base = hidden::Visible(1);
    assert_eq!(
        through_the_codec(&base, &hidden::Visible(7)),
        Ok(hidden::Visible(7))
    );
    assert!(hidden::private_round_trips());
}
