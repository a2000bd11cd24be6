//! What the proto tests share: the real codec (`tickwire::codec`, with its byte limit on
//! decode) and the round-trip and hostile-delta checks.
#![allow(
    dead_code,
    reason = "each test binary uses its own part of the support module"
)]

use std::fmt::Debug;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tickwire::Diff;

/// `value` as the wire carries it.
pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    tickwire::codec::encode(value).unwrap_or_else(|error| panic!("encodes: {error}"))
}

/// A `T` from all of `bytes` (no trailing bytes, within the codec's byte limit), or why not.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    tickwire::codec::decode(bytes).map_err(|error| error.to_string())
}

/// The encoded size of the delta from `base` to `next`.
pub(crate) fn delta_size<T: Diff>(base: &T, next: &T) -> usize {
    encode(&base.diff(next)).len()
}

/// `base.apply(&base.diff(next))` is `next`, directly and through the codec, and compares
/// exactly by `same` (`==`, or the encoded bytes for values holding floats).
pub(crate) fn round_trip_by<T: Diff + Debug>(
    base: &T,
    next: &T,
    same: impl Fn(&T, &T) -> bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        base.unchanged(next),
        same(base, next),
        "unchanged({:?}, {:?})",
        base,
        next
    );
    let delta = base.diff(next);
    let applied = base
        .apply(&delta)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        same(&applied, next),
        "direct: {applied:?} != {next:?} by {delta:?}"
    );
    prop_assert!(
        applied.unchanged(next),
        "applied {applied:?} differs from {next:?}"
    );

    let wire = encode(&delta);
    let decoded: T::Delta = decode(&wire).map_err(TestCaseError::fail)?;
    prop_assert_eq!(
        encode(&decoded),
        wire,
        "the delta changed through the codec"
    );
    let applied = base
        .apply(&decoded)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        same(&applied, next),
        "through the codec: {applied:?} != {next:?}"
    );

    let own = base
        .apply(&base.diff(base))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        same(&own, base),
        "the empty delta moved {base:?} to {own:?}"
    );
    Ok(())
}

/// [`round_trip_by`] with `==`.
pub(crate) fn round_trip<T: Diff + Debug>(base: &T, next: &T) -> Result<(), TestCaseError> {
    round_trip_by(base, next, T::eq)
}

/// [`round_trip_by`] comparing encodings, so floats must match bit for bit (NaN included).
pub(crate) fn round_trip_bits<T: Diff + Debug + Serialize>(
    base: &T,
    next: &T,
) -> Result<(), TestCaseError> {
    round_trip_by(base, next, |a, b| encode(a) == encode(b))
}

/// Decodes `bytes` as a delta of `T` and applies it to `base`: must not panic, whatever it
/// returns. Returns whether it applied.
pub(crate) fn apply_bytes<T: Diff>(base: &T, bytes: &[u8]) -> bool {
    decode::<T::Delta>(bytes).is_ok_and(|delta| base.apply(&delta).is_ok())
}

/// The real delta from `base` to `next` with the byte at `at` (modulo its length) replaced by
/// `byte` and cut to `keep` bytes (modulo its length + 1), decoded and applied to `base`.
pub(crate) fn apply_corrupted<T: Diff>(
    base: &T,
    next: &T,
    at: usize,
    byte: u8,
    keep: usize,
) -> bool {
    let mut wire = encode(&base.diff(next));
    if !wire.is_empty() {
        let at = at % wire.len();
        wire[at] = byte;
    }
    wire.truncate(keep % (wire.len() + 1));
    apply_bytes(base, &wire)
}
