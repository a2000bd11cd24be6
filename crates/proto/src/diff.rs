//! Field-wise deltas between snapshots: the [`Diff`] trait and its impls for std types, so a
//! game gets delta snapshots from `#[derive(Diff)]` instead of hand-written diff and apply.
//!
//! # Encoding
//! Sizes are for bincode 2 with `config::standard()` (varints: below 251 costs one byte).
//!
//! | type | delta | unchanged | changed |
//! |---|---|---|---|
//! | integers, `bool`, `char`, floats, `String`, `()` | the next value | (its size) | its size |
//! | `Option<T>` | [`OptionDelta`] | 1 + `T`'s delta | 1, or 1 + `T` whole when it appears |
//! | `Vec<T>`, `VecDeque<T>` | [`VecDelta`] | 3 | 3 + (index + `T`'s delta) per changed element + appended elements whole |
//! | the same, as a deque ([`ShiftDiff`], `#[diff(deque)]`) | [`ShiftDelta`] | 3 | 3 (tag, pushed count, trimmed count) + the elements pushed at one end, whole; else 1 + the [`VecDelta`] |
//! | `[T; N]` | `Vec<(index, T's delta)>` | 1 | 1 + (index + `T`'s delta) per changed element |
//! | `(A, B, ..)` | one `Option` of the element's delta each | 1 per element | 1 + that delta per changed element |
//! | `BTreeMap<K, V>`, `HashMap<K, V>` | [`MapDelta`] | 3 | 3 + removed keys + (key + `V`'s delta) per changed value + added entries |
//! | `BTreeSet<K>`, `HashSet<K>` | [`SetDelta`] | 2 | 2 + removed keys + added keys |
//! | `Box<T>` | `T`'s delta | | |
//!
//! A derived struct's delta is a [`FieldChanges`]: a mask of the changed fields (one byte
//! while only the first seven fields change) and then each changed field's delta, so an
//! unchanged struct costs one byte and `state.ball.x` changing costs two bytes plus `x`.
//! A derived enum's delta is one byte (whole or same variant) and then the whole next value,
//! or a [`FieldChanges`] over all its variants' fields.
//!
//! A field marked `#[diff(deque)]` is sent as a [`ShiftDelta`]: a tag, the elements pushed
//! at the front and how many left the back (or pushed at the back and left the front), when
//! the next value is exactly that and it sends no more whole elements than the element-wise
//! delta would change or append; otherwise the tag and the [`VecDelta`]. A moving body of
//! two-byte cells, head first, that stepped or grew costs 5 bytes however long it is, where
//! the element-wise delta resends every cell.
//!
//! # Hostile deltas
//! Deltas come from the network. `apply` checks every index, length and key against the
//! baseline and returns [`DeltaError`] rather than panicking. It allocates no more than the
//! baseline's size plus what decoding the delta already allocated, and its arithmetic is checked.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;
use std::ops::Index;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::{self, SerializeTuple};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codec::Message;

/// A delta that does not fit its baseline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("delta does not apply: {0}")]
pub struct DeltaError(pub String);

/// A snapshot type that can describe its change to a later value and apply such a change exactly.
pub trait Diff: Sized + PartialEq {
    /// What changed; unchanged parts cost (close to) nothing on the wire.
    type Delta: Message;

    /// What changed from `self` (the baseline) to `next`.
    fn diff(&self, next: &Self) -> Self::Delta;

    /// `self` with `delta` applied. Must equal, exactly, the `next` the delta was made from.
    /// Fails (never panics) on a delta that does not fit `self`: a bug or a corrupted/hostile baseline.
    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError>;

    /// Whether `next` is exactly `self`, so that a container can leave it out of its delta.
    ///
    /// `==` unless overridden. Floats compare their bits instead: a NaN is unchanged (it would
    /// otherwise be resent forever) and `-0.0` is a change from `0.0` (it would otherwise be lost).
    fn unchanged(&self, next: &Self) -> bool {
        self == next
    }
}

/// One changed field of a derived type and its delta: implemented by `#[derive(Diff)]` for
/// the private enum it generates, with one variant per field. [`FieldChanges`] encodes a list
/// of them as a mask and the deltas alone, so a field's index costs one bit, not a tag.
pub trait FieldChange: Sized {
    /// How many fields there are (variants of the enum): at most [`FieldChange::MAX_FIELDS`].
    const COUNT: u32;

    /// The most fields a derived type may have (all variants' fields, for an enum).
    const MAX_FIELDS: u32 = u128::BITS;

    /// Which field this changes: below [`FieldChange::COUNT`].
    fn index(&self) -> u32;

    /// Writes this change's delta, without its index.
    fn serialize_delta<S: SerializeTuple>(&self, tuple: &mut S) -> Result<(), S::Error>;

    /// Reads the delta of field `index`; `None` if the sequence ended first.
    fn deserialize_delta<'de, A: SeqAccess<'de>>(
        index: u32,
        seq: &mut A,
    ) -> Result<Option<Self>, A::Error>;
}

/// The changed fields of a derived type, in field order, each at most once.
///
/// On the wire, a tuple: a `u128` mask with bit `i` set if field `i` changed (a varint, so one
/// byte while the mask is below 251), then the changed fields' deltas in field order. Decoding
/// rejects mask bits past the type's fields, so a decoded list is always in order and unique.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChanges<C>(pub Vec<C>);

impl<C: FieldChange> Serialize for FieldChanges<C> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut mask = 0_u128;
        for change in &self.0 {
            let bit = 1_u128
                .checked_shl(change.index())
                .ok_or_else(|| ser::Error::custom("field index past the mask"))?;
            // Strictly increasing indices: every bit set so far is below this one.
            if mask >= bit {
                return Err(ser::Error::custom("field changes repeated or out of order"));
            }
            mask |= bit;
        }
        let mut tuple = serializer.serialize_tuple(1 + self.0.len())?;
        tuple.serialize_element(&mask)?;
        for change in &self.0 {
            change.serialize_delta(&mut tuple)?;
        }
        tuple.end()
    }
}

impl<'de, C: FieldChange> Deserialize<'de> for FieldChanges<C> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The length is an upper bound: formats without lengths (bincode) read only the
        // elements that the mask names; self-describing ones check the count they find.
        let most = usize::try_from(C::COUNT).map_or(usize::MAX, |count| count.saturating_add(1));
        deserializer.deserialize_tuple(most, FieldChangesVisitor(PhantomData))
    }
}

struct FieldChangesVisitor<C>(PhantomData<fn() -> C>);

impl<'de, C: FieldChange> Visitor<'de> for FieldChangesVisitor<C> {
    type Value = FieldChanges<C>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a mask of changed fields and their deltas")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mask: u128 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        if mask.checked_shr(C::COUNT).unwrap_or(0) != 0 {
            return Err(de::Error::custom("change to a field that does not exist"));
        }
        // At most 128 changes, each already decoded by the time it is pushed.
        let mut changes = Vec::new();
        for index in (0..C::COUNT).filter(|&index| mask.checked_shr(index).unwrap_or(0) & 1 == 1) {
            let change = C::deserialize_delta(index, &mut seq)?
                .ok_or_else(|| de::Error::invalid_length(changes.len() + 1, &self))?;
            changes.push(change);
        }
        Ok(FieldChanges(changes))
    }
}

fn error(what: &str) -> DeltaError {
    DeltaError(what.to_owned())
}

/// Impls whose delta is the next value itself: nothing smaller describes a change to them.
macro_rules! whole_value {
    ($($ty:ty),* $(,)?) => {$(
        impl Diff for $ty {
            type Delta = $ty;

            fn diff(&self, next: &Self) -> Self::Delta {
                next.clone()
            }

            fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
                Ok(delta.clone())
            }
        }
    )*};
}

whole_value!(
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    bool,
    char,
    String,
    ()
);

// The protocol's own small values, so snapshots that carry them derive their deltas.
whole_value!(
    crate::protocol::PlayerId,
    crate::protocol::RoomId,
    crate::protocol::MatchPhase
);

/// Floats are whole values too, but compared bitwise (see [`Diff::unchanged`]).
macro_rules! float {
    ($($ty:ty),*) => {$(
        impl Diff for $ty {
            type Delta = $ty;

            fn diff(&self, next: &Self) -> Self::Delta {
                *next
            }

            fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
                Ok(*delta)
            }

            fn unchanged(&self, next: &Self) -> bool {
                self.to_bits() == next.to_bits()
            }
        }
    )*};
}

float!(f32, f64);

/// The change of an `Option<T>` whose delta is `D`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OptionDelta<T, D> {
    /// The next value is `None`.
    None,
    /// The next value is `Some` of this, whole (the baseline was `None`).
    Some(T),
    /// Both are `Some`: the change inside.
    Change(D),
}

impl<T: Diff + Message> Diff for Option<T> {
    type Delta = OptionDelta<T, T::Delta>;

    fn diff(&self, next: &Self) -> Self::Delta {
        match (self, next) {
            (_, None) => OptionDelta::None,
            (Some(base), Some(next)) => OptionDelta::Change(base.diff(next)),
            (None, Some(next)) => OptionDelta::Some(next.clone()),
        }
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        match (self, delta) {
            (_, OptionDelta::None) => Ok(None),
            (_, OptionDelta::Some(next)) => Ok(Some(next.clone())),
            (Some(base), OptionDelta::Change(delta)) => base.apply(delta).map(Some),
            (None, OptionDelta::Change(_)) => Err(error("change inside `None`")),
        }
    }

    fn unchanged(&self, next: &Self) -> bool {
        match (self, next) {
            (Some(base), Some(next)) => base.unchanged(next),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T: Diff> Diff for Box<T> {
    type Delta = T::Delta;

    fn diff(&self, next: &Self) -> Self::Delta {
        (**self).diff(next)
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        (**self).apply(delta).map(Box::new)
    }

    fn unchanged(&self, next: &Self) -> bool {
        (**self).unchanged(next)
    }
}

/// Tuples: one `Option` per element, `None` where the element is unchanged.
macro_rules! tuple {
    ($($name:ident $index:tt),+) => {
        impl<$($name: Diff + Clone),+> Diff for ($($name,)+) {
            type Delta = ($(Option<$name::Delta>,)+);

            fn diff(&self, next: &Self) -> Self::Delta {
                ($(
                    (!self.$index.unchanged(&next.$index)).then(|| self.$index.diff(&next.$index)),
                )+)
            }

            fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
                Ok(($(
                    match &delta.$index {
                        Some(delta) => self.$index.apply(delta)?,
                        None => self.$index.clone(),
                    },
                )+))
            }

            fn unchanged(&self, next: &Self) -> bool {
                $(self.$index.unchanged(&next.$index))&&+
            }
        }
    };
}

tuple!(A 0);
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);

/// The changed elements of a sequence, as (index, the element's delta), indices increasing.
fn changed_elements<'a, T: Diff + 'a>(
    base: impl Iterator<Item = &'a T>,
    next: &mut impl Iterator<Item = &'a T>,
) -> Vec<(usize, T::Delta)> {
    let mut changed = Vec::new();
    for (index, old) in base.enumerate() {
        let Some(new) = next.next() else { break };
        if !old.unchanged(new) {
            changed.push((index, old.diff(new)));
        }
    }
    changed
}

/// Pushes `base` onto `out` with `changed` applied. Indices must increase and stay in `base`.
fn apply_changed<'a, T: Diff + Clone + 'a>(
    base: impl Iterator<Item = &'a T>,
    changed: &[(usize, T::Delta)],
    out: &mut Vec<T>,
) -> Result<(), DeltaError> {
    let mut changed = changed.iter().peekable();
    for (index, old) in base.enumerate() {
        let new = match changed.next_if(|(at, _)| *at == index) {
            Some((_, delta)) => old.apply(delta)?,
            None => old.clone(),
        };
        out.push(new);
    }
    match changed.next() {
        Some(_) => Err(error(
            "element index out of range, repeated or out of order",
        )),
        None => Ok(()),
    }
}

impl<T: Diff + Clone, const N: usize> Diff for [T; N] {
    type Delta = Vec<(usize, T::Delta)>;

    fn diff(&self, next: &Self) -> Self::Delta {
        changed_elements(self.iter(), &mut next.iter())
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        let mut out = Vec::with_capacity(N);
        apply_changed(self.iter(), delta, &mut out)?;
        Self::try_from(out).map_err(|_| error("array length changed"))
    }

    fn unchanged(&self, next: &Self) -> bool {
        self.iter().zip(next).all(|(old, new)| old.unchanged(new))
    }
}

/// The change of a `Vec<T>` or `VecDeque<T>` whose element delta is `D`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VecDelta<T, D> {
    /// The next length.
    pub len: usize,
    /// Changed elements below both lengths, as (index, the element's delta), indices increasing.
    pub changed: Vec<(usize, D)>,
    /// The elements past the baseline's length, whole. Empty unless the sequence grew.
    pub appended: Vec<T>,
}

fn diff_seq<'a, T: Diff + Message>(
    base: impl Iterator<Item = &'a T>,
    next: impl ExactSizeIterator<Item = &'a T>,
) -> VecDelta<T, T::Delta> {
    let len = next.len();
    let mut next = next;
    let changed = changed_elements(base, &mut next);
    VecDelta {
        len,
        changed,
        appended: next.cloned().collect(),
    }
}

fn apply_seq<'a, T: Diff + Clone + 'a>(
    base: impl ExactSizeIterator<Item = &'a T>,
    delta: &VecDelta<T, T::Delta>,
) -> Result<Vec<T>, DeltaError> {
    let base_len = base.len();
    let kept = if delta.appended.is_empty() {
        if delta.len > base_len {
            return Err(error("sequence grows but nothing is appended"));
        }
        delta.len
    } else {
        if base_len.checked_add(delta.appended.len()) != Some(delta.len) {
            return Err(error(
                "sequence length does not match its appended elements",
            ));
        }
        base_len
    };
    // Bounded by the baseline plus the decoded delta, whatever `len` claims: checked above.
    let mut out = Vec::with_capacity(delta.len);
    apply_changed(base.take(kept), &delta.changed, &mut out)?;
    out.extend(delta.appended.iter().cloned());
    Ok(out)
}

fn seq_unchanged<'a, T: Diff + 'a>(
    base: impl ExactSizeIterator<Item = &'a T>,
    next: impl ExactSizeIterator<Item = &'a T>,
) -> bool {
    base.len() == next.len() && base.zip(next).all(|(old, new)| old.unchanged(new))
}

impl<T: Diff + Message> Diff for Vec<T> {
    type Delta = VecDelta<T, T::Delta>;

    fn diff(&self, next: &Self) -> Self::Delta {
        diff_seq(self.iter(), next.iter())
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        apply_seq(self.iter(), delta)
    }

    fn unchanged(&self, next: &Self) -> bool {
        seq_unchanged(self.iter(), next.iter())
    }
}

impl<T: Diff + Message> Diff for VecDeque<T> {
    type Delta = VecDelta<T, T::Delta>;

    fn diff(&self, next: &Self) -> Self::Delta {
        diff_seq(self.iter(), next.iter())
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        apply_seq(self.iter(), delta).map(VecDeque::from)
    }

    fn unchanged(&self, next: &Self) -> bool {
        seq_unchanged(self.iter(), next.iter())
    }
}

/// The change of a `Vec<T>` or `VecDeque<T>` used as a deque (pushed at one end, trimmed at
/// the other), whose element delta is `D`: what [`ShiftDiff`] makes, and `#[derive(Diff)]`
/// sends for a field marked `#[diff(deque)]`.
///
/// A moving body, head first, gains a cell at the front and loses one at the back every
/// tick: element-wise, every cell changed; as a shift, it is one cell and a count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ShiftDelta<T, D> {
    /// The next value is `pushed`, then the baseline without its last `trimmed` elements.
    Front {
        /// The next value's first elements, whole, in order.
        pushed: Vec<T>,
        /// How many elements left the baseline's back.
        trimmed: usize,
    },
    /// The next value is the baseline without its first `trimmed` elements, then `pushed`.
    Back {
        /// The next value's last elements, whole, in order.
        pushed: Vec<T>,
        /// How many elements left the baseline's front.
        trimmed: usize,
    },
    /// Anything else: the element-wise delta.
    Elements(VecDelta<T, D>),
}

/// A sequence whose changes are mostly elements pushed at one end and dropped at the other
/// (a moving body, a trail, a scrolling log): its [`ShiftDelta`] names the pushed elements
/// and a count instead of every shifted index. `#[derive(Diff)]` uses it for fields marked
/// `#[diff(deque)]`; the sequence's own [`Diff`] stays element-wise.
pub trait ShiftDiff: Diff {
    /// The shift-aware delta.
    type Shift: Message;

    /// What changed from `self` to `next`: a push at one end and a trim at the other when
    /// `next` is exactly that and it sends no more elements than the element-wise delta
    /// would change or append, else the element-wise delta.
    fn diff_shift(&self, next: &Self) -> Self::Shift;

    /// `self` with `delta` applied: exactly the `next` it was made from. Fails, never
    /// panics, on a delta that does not fit `self`.
    fn apply_shift(&self, delta: &Self::Shift) -> Result<Self, DeltaError>;
}

/// The longest `len` (at most both lengths) such that the last `len` elements of `tail`
/// are, in order, the first `len` of `head`, compared by [`Diff::unchanged`].
///
/// Knuth-Morris-Pratt with `head` as the pattern: linear in the lengths however many
/// elements repeat, where trying every overlap would be quadratic. It relies on
/// `unchanged` being an equivalence; callers check the overlap it finds.
fn overlap<T: Diff, S: Index<usize, Output = T> + ?Sized>(
    tail: &S,
    tail_len: usize,
    head: &S,
    head_len: usize,
) -> usize {
    let most = head_len.min(tail_len);
    if most == 0 {
        return 0;
    }
    // `fail[i]`: the longest proper prefix of `head[..=i]` that is also its suffix.
    let mut fail = vec![0; most];
    let mut matched = 0;
    for i in 1..most {
        while matched > 0 && !head[matched].unchanged(&head[i]) {
            matched = fail[matched - 1];
        }
        if head[matched].unchanged(&head[i]) {
            matched += 1;
        }
        fail[i] = matched;
    }
    // No overlap is longer than `most`, so it starts within the last `most` elements.
    matched = 0;
    for i in tail_len - most..tail_len {
        while matched > 0 && (matched == most || !head[matched].unchanged(&tail[i])) {
            matched = fail[matched - 1];
        }
        if matched < most && head[matched].unchanged(&tail[i]) {
            matched += 1;
        }
    }
    matched
}

/// How many whole elements a shift from `base` (of `base_len`) to `next` (of `next_len`)
/// sends, and whether at the front: the cheaper end, the front on a tie. `None` when no
/// checked shift exists, which needs a non-transitive `unchanged`.
fn cheapest_shift<T: Diff, S: Index<usize, Output = T> + ?Sized>(
    base: &S,
    base_len: usize,
    next: &S,
    next_len: usize,
) -> Option<(usize, bool)> {
    // `next` ends with the baseline's first `front` elements ...
    let front = overlap(next, next_len, base, base_len);
    let front_ok = (0..front).all(|i| base[i].unchanged(&next[next_len - front + i]));
    // ... or starts with its last `back`.
    let back = overlap(base, base_len, next, next_len);
    let back_ok = (0..back).all(|i| base[base_len - back + i].unchanged(&next[i]));
    match (front_ok, back_ok) {
        (true, true) if back > front => Some((next_len - back, false)),
        (true, _) => Some((next_len - front, true)),
        (false, true) => Some((next_len - back, false)),
        (false, false) => None,
    }
}

/// Whether the element-wise delta would change or append at least `pushed` elements.
fn elements_cost_at_least<T: Diff, S: Index<usize, Output = T> + ?Sized>(
    base: &S,
    base_len: usize,
    next: &S,
    next_len: usize,
    pushed: usize,
) -> bool {
    let appended = next_len.saturating_sub(base_len);
    let Some(needed) = pushed.checked_sub(appended).filter(|&needed| needed > 0) else {
        return true;
    };
    (0..base_len.min(next_len))
        .filter(|&i| !base[i].unchanged(&next[i]))
        .take(needed)
        .count()
        == needed
}

fn diff_shift_seq<T: Diff + Message, S: Index<usize, Output = T> + ?Sized>(
    base: &S,
    base_len: usize,
    next: &S,
    next_len: usize,
    elements: impl FnOnce() -> VecDelta<T, T::Delta>,
) -> ShiftDelta<T, T::Delta> {
    let shift = cheapest_shift(base, base_len, next, next_len)
        .filter(|&(pushed, _)| elements_cost_at_least(base, base_len, next, next_len, pushed));
    match shift {
        Some((pushed, true)) => ShiftDelta::Front {
            pushed: (0..pushed).map(|i| next[i].clone()).collect(),
            trimmed: base_len - (next_len - pushed),
        },
        Some((pushed, false)) => ShiftDelta::Back {
            pushed: (next_len - pushed..next_len)
                .map(|i| next[i].clone())
                .collect(),
            trimmed: base_len - (next_len - pushed),
        },
        None => ShiftDelta::Elements(elements()),
    }
}

/// `base` with a shift applied. Allocates the baseline's kept part plus what decoding the
/// delta already allocated, whatever `trimmed` claims.
fn apply_shift_seq<'a, T: Diff + Message>(
    base: impl ExactSizeIterator<Item = &'a T>,
    delta: &ShiftDelta<T, T::Delta>,
) -> Result<Vec<T>, DeltaError> {
    let (pushed, trimmed, front) = match delta {
        ShiftDelta::Front { pushed, trimmed } => (pushed, *trimmed, true),
        ShiftDelta::Back { pushed, trimmed } => (pushed, *trimmed, false),
        ShiftDelta::Elements(delta) => return apply_seq(base, delta),
    };
    let kept = base
        .len()
        .checked_sub(trimmed)
        .ok_or_else(|| error("trims more elements than the sequence holds"))?;
    let len = kept
        .checked_add(pushed.len())
        .ok_or_else(|| error("sequence length overflows"))?;
    let mut out = Vec::with_capacity(len);
    if front {
        out.extend(pushed.iter().cloned());
        out.extend(base.take(kept).cloned());
    } else {
        out.extend(base.skip(trimmed).cloned());
        out.extend(pushed.iter().cloned());
    }
    Ok(out)
}

impl<T: Diff + Message> ShiftDiff for Vec<T> {
    type Shift = ShiftDelta<T, T::Delta>;

    fn diff_shift(&self, next: &Self) -> Self::Shift {
        diff_shift_seq(
            self.as_slice(),
            self.len(),
            next.as_slice(),
            next.len(),
            || self.diff(next),
        )
    }

    fn apply_shift(&self, delta: &Self::Shift) -> Result<Self, DeltaError> {
        apply_shift_seq(self.iter(), delta)
    }
}

impl<T: Diff + Message> ShiftDiff for VecDeque<T> {
    type Shift = ShiftDelta<T, T::Delta>;

    fn diff_shift(&self, next: &Self) -> Self::Shift {
        diff_shift_seq(self, self.len(), next, next.len(), || self.diff(next))
    }

    fn apply_shift(&self, delta: &Self::Shift) -> Result<Self, DeltaError> {
        apply_shift_seq(self.iter(), delta).map(VecDeque::from)
    }
}

/// The change of a map from `K` to `V`, whose value delta is `D`.
///
/// Keys are listed in the map's iteration order: sorted for a `BTreeMap`, arbitrary for a
/// `HashMap` (so a `HashMap`'s delta bytes are not deterministic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapDelta<K, V, D> {
    /// Keys of the baseline that are gone.
    pub removed: Vec<K>,
    /// Keys in both whose value changed, with the value's delta.
    pub changed: Vec<(K, D)>,
    /// Entries not in the baseline, whole.
    pub added: Vec<(K, V)>,
}

/// What [`MapDelta`] needs of a map, so `BTreeMap` and `HashMap` share one diff and apply.
trait Map<K: 'static, V: 'static>: Clone {
    fn len(&self) -> usize;
    fn entries(&self) -> impl Iterator<Item = (&K, &V)>;
    fn value(&self, key: &K) -> Option<&V>;
    fn value_mut(&mut self, key: &K) -> Option<&mut V>;
    fn remove_key(&mut self, key: &K) -> Option<V>;
    fn insert_entry(&mut self, key: K, value: V) -> Option<V>;
}

impl<K: Ord + Clone + 'static, V: Clone + 'static> Map<K, V> for BTreeMap<K, V> {
    fn len(&self) -> usize {
        self.len()
    }
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
    fn value(&self, key: &K) -> Option<&V> {
        self.get(key)
    }
    fn value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut(key)
    }
    fn remove_key(&mut self, key: &K) -> Option<V> {
        self.remove(key)
    }
    fn insert_entry(&mut self, key: K, value: V) -> Option<V> {
        self.insert(key, value)
    }
}

impl<K: Hash + Eq + Clone + 'static, V: Clone + 'static, S: BuildHasher + Clone> Map<K, V>
    for HashMap<K, V, S>
{
    fn len(&self) -> usize {
        self.len()
    }
    fn entries(&self) -> impl Iterator<Item = (&K, &V)> {
        self.iter()
    }
    fn value(&self, key: &K) -> Option<&V> {
        self.get(key)
    }
    fn value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut(key)
    }
    fn remove_key(&mut self, key: &K) -> Option<V> {
        self.remove(key)
    }
    fn insert_entry(&mut self, key: K, value: V) -> Option<V> {
        self.insert(key, value)
    }
}

fn diff_map<K: Message, V: Diff + Message>(
    base: &impl Map<K, V>,
    next: &impl Map<K, V>,
) -> MapDelta<K, V, V::Delta> {
    let mut delta = MapDelta {
        removed: Vec::new(),
        changed: Vec::new(),
        added: Vec::new(),
    };
    for (key, old) in base.entries() {
        match next.value(key) {
            None => delta.removed.push(key.clone()),
            Some(new) if !old.unchanged(new) => delta.changed.push((key.clone(), old.diff(new))),
            Some(_) => {}
        }
    }
    for (key, new) in next.entries() {
        if base.value(key).is_none() {
            delta.added.push((key.clone(), new.clone()));
        }
    }
    delta
}

/// Removed keys must be in the baseline, changed ones must stay, added ones must be new.
/// Each value's delta is applied to the baseline's value, so a repeated change is harmless.
fn apply_map<K: Message, V: Diff + Message, M: Map<K, V>>(
    base: &M,
    delta: &MapDelta<K, V, V::Delta>,
) -> Result<M, DeltaError> {
    let mut out = base.clone();
    for key in &delta.removed {
        out.remove_key(key)
            .ok_or_else(|| error("removes a key that is not in the map"))?;
    }
    for (key, value_delta) in &delta.changed {
        let (Some(old), Some(slot)) = (base.value(key), out.value_mut(key)) else {
            return Err(error("changes a key that is not in the map"));
        };
        *slot = old.apply(value_delta)?;
    }
    for (key, value) in &delta.added {
        if base.value(key).is_some() || out.insert_entry(key.clone(), value.clone()).is_some() {
            return Err(error("adds a key that is already in the map"));
        }
    }
    Ok(out)
}

fn map_unchanged<K: 'static, V: Diff + 'static>(
    base: &impl Map<K, V>,
    next: &impl Map<K, V>,
) -> bool {
    base.len() == next.len()
        && base
            .entries()
            .all(|(key, old)| next.value(key).is_some_and(|new| old.unchanged(new)))
}

impl<K: Message + Ord, V: Diff + Message> Diff for BTreeMap<K, V> {
    type Delta = MapDelta<K, V, V::Delta>;

    fn diff(&self, next: &Self) -> Self::Delta {
        diff_map(self, next)
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        apply_map(self, delta)
    }

    fn unchanged(&self, next: &Self) -> bool {
        map_unchanged(self, next)
    }
}

impl<K, V, S> Diff for HashMap<K, V, S>
where
    K: Message + Hash + Eq,
    V: Diff + Message,
    S: BuildHasher + Clone,
{
    type Delta = MapDelta<K, V, V::Delta>;

    fn diff(&self, next: &Self) -> Self::Delta {
        diff_map(self, next)
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        apply_map(self, delta)
    }

    fn unchanged(&self, next: &Self) -> bool {
        map_unchanged(self, next)
    }
}

/// The change of a set of `K`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetDelta<K> {
    /// Members of the baseline that are gone.
    pub removed: Vec<K>,
    /// Members not in the baseline.
    pub added: Vec<K>,
}

/// What [`SetDelta`] needs of a set, so `BTreeSet` and `HashSet` share one diff and apply.
trait Set<K: 'static>: Clone {
    fn members(&self) -> impl Iterator<Item = &K>;
    fn has(&self, key: &K) -> bool;
    fn remove_member(&mut self, key: &K) -> bool;
    fn insert_member(&mut self, key: K) -> bool;
}

impl<K: Ord + Clone + 'static> Set<K> for BTreeSet<K> {
    fn members(&self) -> impl Iterator<Item = &K> {
        self.iter()
    }
    fn has(&self, key: &K) -> bool {
        self.contains(key)
    }
    fn remove_member(&mut self, key: &K) -> bool {
        self.remove(key)
    }
    fn insert_member(&mut self, key: K) -> bool {
        self.insert(key)
    }
}

impl<K: Hash + Eq + Clone + 'static, S: BuildHasher + Clone> Set<K> for HashSet<K, S> {
    fn members(&self) -> impl Iterator<Item = &K> {
        self.iter()
    }
    fn has(&self, key: &K) -> bool {
        self.contains(key)
    }
    fn remove_member(&mut self, key: &K) -> bool {
        self.remove(key)
    }
    fn insert_member(&mut self, key: K) -> bool {
        self.insert(key)
    }
}

fn diff_set<K: Message>(base: &impl Set<K>, next: &impl Set<K>) -> SetDelta<K> {
    SetDelta {
        removed: base
            .members()
            .filter(|key| !next.has(key))
            .cloned()
            .collect(),
        added: next
            .members()
            .filter(|key| !base.has(key))
            .cloned()
            .collect(),
    }
}

/// Removed members must be in the baseline, added ones must be new.
fn apply_set<K: Message, S: Set<K>>(base: &S, delta: &SetDelta<K>) -> Result<S, DeltaError> {
    let mut out = base.clone();
    for key in &delta.removed {
        if !out.remove_member(key) {
            return Err(error("removes a member that is not in the set"));
        }
    }
    for key in &delta.added {
        if base.has(key) || !out.insert_member(key.clone()) {
            return Err(error("adds a member that is already in the set"));
        }
    }
    Ok(out)
}

impl<K: Message + Ord> Diff for BTreeSet<K> {
    type Delta = SetDelta<K>;

    fn diff(&self, next: &Self) -> Self::Delta {
        diff_set(self, next)
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        apply_set(self, delta)
    }
}

impl<K, S> Diff for HashSet<K, S>
where
    K: Message + Hash + Eq,
    S: BuildHasher + Clone,
{
    type Delta = SetDelta<K>;

    fn diff(&self, next: &Self) -> Self::Delta {
        diff_set(self, next)
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        apply_set(self, delta)
    }
}
