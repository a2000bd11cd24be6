//! `Diff` for std types, and `ShiftDiff` for `Vec` and `VecDeque`: arbitrary baselines and
//! next values round-trip exactly, directly and through the codec, and hostile deltas
//! (arbitrary bytes, corrupted real deltas, arbitrary delta values) are refused or applied,
//! never a panic.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use proptest::collection::{btree_map, btree_set, hash_map, hash_set, vec, vec_deque};
use proptest::option::of;
use proptest::prelude::*;
use serde::Serialize;
use support::{apply_bytes, apply_corrupted, delta_size, encode, round_trip, round_trip_bits};
use tickwire::diff::{MapDelta, OptionDelta, SetDelta, ShiftDelta, ShiftDiff, VecDelta};
use tickwire::{DeltaError, Diff};

fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<u32>().prop_map(f32::from_bits),
        Just(f32::NAN),
        Just(-0.0),
        Just(0.0)
    ]
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        Just(f64::NAN),
        Just(-0.0),
        Just(0.0)
    ]
}

/// Small element domains, so that independent baselines and next values share elements and
/// keys and the deltas hold changes, removals and additions, not only whole values.
fn small_vec() -> impl Strategy<Value = Vec<u8>> {
    vec(0_u8..4, 0..8)
}

/// A sequence diffed as a deque, so that the shared round-trip and hostile-delta checks
/// (written for `Diff`) run on `ShiftDiff`.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Deque<S>(S);

impl<S: ShiftDiff> Diff for Deque<S> {
    type Delta = S::Shift;

    fn diff(&self, next: &Self) -> Self::Delta {
        self.0.diff_shift(&next.0)
    }

    fn apply(&self, delta: &Self::Delta) -> Result<Self, DeltaError> {
        self.0.apply_shift(delta).map(Deque)
    }

    fn unchanged(&self, next: &Self) -> bool {
        self.0.unchanged(&next.0)
    }
}

/// One proptest per type: `base` and `next` drawn from the same strategy round-trip (by `==`,
/// or by encoding with `bits`), and a hostile delta applied to `base` never panics.
macro_rules! round_trips {
    ($($name:ident: $check:ident, $strategy:expr;)*) => {
        $(mod $name {
            use super::*;

            proptest! {
                #[test]
                fn round_trips(base in $strategy, next in $strategy) {
                    $check(&base, &next)?;
                }

                #[test]
                fn arbitrary_bytes_never_panic(base in $strategy, bytes in vec(any::<u8>(), 0..48)) {
                    apply_bytes(&base, &bytes);
                }

                #[test]
                fn corrupted_deltas_never_panic(
                    base in $strategy,
                    next in $strategy,
                    at in any::<usize>(),
                    byte in any::<u8>(),
                    keep in any::<usize>(),
                ) {
                    apply_corrupted(&base, &next, at, byte, keep);
                }
            }
        })*
    };
}

round_trips! {
    unsigned: round_trip, (any::<u8>(), any::<u16>(), any::<u32>(), any::<u64>());
    signed: round_trip, (any::<i8>(), any::<i16>(), any::<i32>(), any::<i64>());
    wide: round_trip, (any::<u128>(), any::<i128>(), any::<usize>(), any::<isize>());
    bool_char_unit: round_trip, (any::<bool>(), any::<char>(), Just(()));
    string: round_trip, ".{0,12}";
    f32_bits: round_trip_bits, any_f32();
    f64_bits: round_trip_bits, any_f64();
    option: round_trip, of(0_u8..3);
    nested_option: round_trip, of(of(small_vec()));
    vec: round_trip, small_vec();
    vec_of_floats: round_trip_bits, vec(any_f32(), 0..6);
    vec_of_options: round_trip, vec(of((0_u8..3, any::<bool>())), 0..8);
    vec_deque: round_trip, vec_deque(0_i8..4, 0..8);
    btree_map: round_trip, btree_map(0_u8..8, 0_u16..4, 0..8);
    btree_map_of_vecs: round_trip, btree_map(0_u8..6, small_vec(), 0..6);
    hash_map: round_trip, hash_map(0_u8..8, of(0_u16..3), 0..8);
    btree_set: round_trip, btree_set(0_u8..10, 0..8);
    hash_set: round_trip, hash_set(0_u8..10, 0..8);
    tuple1: round_trip, (0_u8..3,).prop_map(|t| t);
    tuple2: round_trip, (0_u8..3, small_vec());
    tuple3: round_trip, (0_u8..3, any::<bool>(), of(0_u8..3));
    tuple4: round_trip_bits, (0_u8..3, ".{0,3}", small_vec(), any_f32());
    array: round_trip, prop::array::uniform4(of(0_u8..3));
    array_of_floats: round_trip_bits, prop::array::uniform3(any_f64());
    empty_array: round_trip, Just([0_u8; 0]);
    boxed: round_trip, small_vec().prop_map(Box::new);
    deque_vec: round_trip, small_vec().prop_map(Deque);
    deque_vec_deque: round_trip, vec_deque(0_i8..4, 0..8).prop_map(Deque);
    deque_of_floats: round_trip_bits, vec(any_f32(), 0..6).prop_map(Deque);
    deque_of_vecs: round_trip, vec(small_vec(), 0..4).prop_map(Deque);
}

/// A baseline and a next value that is the baseline pushed at one end and trimmed at the
/// other (any counts, either direction), sometimes with one element then changed, so every
/// branch of the shift delta is taken, not only the element-wise fallback.
fn shifted_pair() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (
        vec(0_u8..4, 0..12),
        vec(0_u8..4, 0..4),
        0_usize..14,
        any::<bool>(),
        of((any::<usize>(), 0_u8..4)),
    )
        .prop_map(|(base, pushed, trim, front, edit)| {
            let mut next = base.clone();
            let trim = trim.min(next.len());
            if front {
                next.truncate(next.len() - trim);
                next.splice(0..0, pushed);
            } else {
                next.drain(..trim);
                next.extend(pushed);
            }
            if let Some((at, value)) = edit.filter(|_| !next.is_empty()) {
                let at = at % next.len();
                next[at] = value;
            }
            (base, next)
        })
}

/// The fewest elements any exact shift from `base` to `next` pushes, tried the slow way.
fn fewest_pushed(base: &[u8], next: &[u8]) -> usize {
    (0..=base.len().min(next.len()))
        .rev()
        .find(|&kept| {
            next[next.len() - kept..] == base[..kept] || base[base.len() - kept..] == next[..kept]
        })
        .map_or(next.len(), |kept| next.len() - kept)
}

/// How many elements the element-wise delta changes or appends.
fn element_changes(base: &[u8], next: &[u8]) -> usize {
    let changed = base
        .iter()
        .zip(next)
        .filter(|(old, new)| old != new)
        .count();
    changed + next.len().saturating_sub(base.len())
}

proptest! {
    #[test]
    fn shifted_sequences_round_trip_as_the_fewest_pushed_elements(
        (base, next) in shifted_pair(),
    ) {
        round_trip(&Deque(base.clone()), &Deque(next.clone()))?;
        let queue = |v: &Vec<u8>| Deque(v.iter().copied().collect::<VecDeque<u8>>());
        round_trip(&queue(&base), &queue(&next))?;

        let fewest = fewest_pushed(&base, &next);
        let delta = base.diff_shift(&next);
        prop_assert_eq!(&delta, &queue(&base).0.diff_shift(&queue(&next).0), "Vec and VecDeque agree");
        match &delta {
            ShiftDelta::Front { pushed, .. } | ShiftDelta::Back { pushed, .. } => {
                prop_assert_eq!(pushed.len(), fewest, "{:?}", delta);
                prop_assert!(fewest <= element_changes(&base, &next), "{:?}", delta);
                // Tag, pushed count, trimmed count, then one byte per element below 251.
                prop_assert_eq!(encode(&delta).len(), 3 + fewest);
            }
            ShiftDelta::Elements(_) => {
                prop_assert!(element_changes(&base, &next) < fewest, "{:?}", delta);
            }
        }
    }

    #[test]
    fn hostile_shift_deltas_of_shifted_sequences_never_panic(
        (base, next) in shifted_pair(),
        bytes in vec(any::<u8>(), 0..24),
        at in any::<usize>(),
        byte in any::<u8>(),
        keep in any::<usize>(),
    ) {
        apply_bytes(&Deque(base.clone()), &bytes);
        apply_corrupted(&Deque(base), &Deque(next), at, byte, keep);
    }

    /// Arbitrary shift values, not only decodable bytes: every trimmed count is tried.
    #[test]
    fn arbitrary_shift_deltas_apply_exactly_or_are_refused(
        base in small_vec(),
        front in any::<bool>(),
        pushed in small_vec(),
        trimmed in prop_oneof![0_usize..12, any::<usize>()],
    ) {
        let delta = if front {
            ShiftDelta::Front { pushed: pushed.clone(), trimmed }
        } else {
            ShiftDelta::Back { pushed: pushed.clone(), trimmed }
        };
        let queue: VecDeque<u8> = base.iter().copied().collect();
        match base.apply_shift(&delta) {
            Ok(next) => {
                let kept = base.len().checked_sub(trimmed);
                prop_assert!(kept.is_some(), "trimmed {} of {}: {:?}", trimmed, base.len(), next);
                let kept = kept.unwrap_or_default();
                let expected = if front {
                    [&pushed[..], &base[..kept]].concat()
                } else {
                    [&base[trimmed..], &pushed[..]].concat()
                };
                prop_assert_eq!(&next, &expected);
                prop_assert_eq!(queue.apply_shift(&delta), Ok(VecDeque::from(expected)));
            }
            Err(_) => {
                prop_assert!(trimmed > base.len());
                prop_assert!(queue.apply_shift(&delta).is_err());
            }
        }
    }
}

#[test]
fn trimming_more_than_the_baseline_holds_is_refused_without_allocating() {
    let base = vec![1_u8, 2, 3];
    let deltas = [
        ShiftDelta::Front {
            pushed: vec![],
            trimmed: 4,
        },
        ShiftDelta::Back {
            pushed: vec![9],
            trimmed: usize::MAX,
        },
        ShiftDelta::Elements(VecDelta {
            len: usize::MAX,
            changed: vec![],
            appended: vec![],
        }),
    ];
    for delta in deltas {
        assert!(base.apply_shift(&delta).is_err(), "{delta:?}");
        assert!(VecDeque::from(base.clone()).apply_shift(&delta).is_err());
    }
}

/// A body of 20 two-byte cells, head first.
fn body() -> Vec<(u8, u8)> {
    (0..20).map(|x| (x, 7)).collect()
}

#[test]
fn a_stepping_body_costs_its_new_head_and_two_counts() {
    let base = body();
    let mut stepped = base.clone();
    stepped.pop();
    stepped.insert(0, (0, 6));
    // Tag, one pushed, the cell (2 bytes), one trimmed.
    assert_eq!(encode(&base.diff_shift(&stepped)), [0, 1, 0, 6, 1]);
    assert!(
        delta_size(&base, &stepped) > 40,
        "element-wise resends every cell"
    );

    let mut grown = base.clone();
    grown.insert(0, (0, 6));
    assert_eq!(encode(&base.diff_shift(&grown)), [0, 1, 0, 6, 0]);

    // The other way round, a queue: pushed at the back, trimmed from the front.
    let mut queued = base[1..].to_vec();
    queued.push((20, 7));
    assert_eq!(encode(&base.diff_shift(&queued)), [1, 1, 20, 7, 1]);
}

#[test]
fn an_unchanged_deque_costs_three_bytes_and_an_edit_falls_back_to_elements() {
    let base = body();
    assert_eq!(encode(&base.diff_shift(&base)), [0, 0, 0]);
    let mut edited = base.clone();
    edited[5] = (9, 9);
    let delta = base.diff_shift(&edited);
    assert!(matches!(delta, ShiftDelta::Elements(_)), "{delta:?}");
    // The tag, then the element-wise delta.
    assert_eq!(encode(&delta).len(), 1 + delta_size(&base, &edited));
}

#[test]
fn repeated_elements_still_find_the_longest_overlap() {
    let base = vec![0_u8, 0, 0, 1, 0, 0, 0];
    let next = vec![2_u8, 0, 0, 0, 1, 0, 0];
    assert_eq!(
        base.diff_shift(&next),
        ShiftDelta::Front {
            pushed: vec![2],
            trimmed: 1
        }
    );
}

#[test]
fn nan_is_unchanged_and_negative_zero_is_a_change() {
    assert!(f32::NAN.unchanged(&f32::NAN));
    assert!(!0.0_f64.unchanged(&-0.0));
    let base = vec![0.0_f32, f32::NAN];
    let next = vec![-0.0_f32, f32::NAN];
    let delta = base.diff(&next);
    assert_eq!(
        delta.changed.len(),
        1,
        "only the sign of zero changed: {delta:?}"
    );
    let applied = base.apply(&delta).expect("applies");
    assert_eq!(applied[0].to_bits(), (-0.0_f32).to_bits());
    assert!(applied[1].is_nan());
}

#[test]
fn vec_index_out_of_range_is_refused() {
    let base = vec![1_u8, 2, 3];
    let delta = VecDelta {
        len: 3,
        changed: vec![(3, 9)],
        appended: vec![],
    };
    assert!(base.apply(&delta).is_err());
}

#[test]
fn vec_indices_repeated_or_out_of_order_are_refused() {
    let base = vec![1_u8, 2, 3];
    for changed in [vec![(1, 9), (1, 8)], vec![(2, 9), (0, 8)]] {
        let delta = VecDelta {
            len: 3,
            changed,
            appended: vec![],
        };
        assert!(base.apply(&delta).is_err(), "{delta:?}");
    }
}

#[test]
fn vec_length_that_does_not_fit_is_refused_without_allocating_it() {
    let base = vec![1_u8, 2, 3];
    let grows_from_nothing = VecDelta {
        len: usize::MAX,
        changed: vec![],
        appended: vec![],
    };
    let overflows = VecDelta {
        len: usize::MAX,
        changed: vec![],
        appended: vec![4_u8],
    };
    let too_short = VecDelta {
        len: 5,
        changed: vec![],
        appended: vec![4_u8],
    };
    for delta in [grows_from_nothing, overflows, too_short] {
        assert!(base.apply(&delta).is_err(), "{delta:?}");
    }
}

#[test]
fn vec_change_past_the_new_length_is_refused() {
    let base = vec![1_u8, 2, 3];
    let delta = VecDelta {
        len: 1,
        changed: vec![(2, 9)],
        appended: vec![],
    };
    assert!(base.apply(&delta).is_err());
}

#[test]
fn array_index_out_of_range_is_refused() {
    let delta = vec![(4_usize, 1_u8)];
    assert!([0_u8; 4].apply(&delta).is_err());
}

#[test]
fn change_inside_none_is_refused() {
    let delta: OptionDelta<u8, u8> = OptionDelta::Change(3);
    assert!(None::<u8>.apply(&delta).is_err());
}

#[test]
fn map_removing_a_missing_key_is_refused() {
    let base = BTreeMap::from([(1_u8, 10_u16)]);
    let delta = MapDelta {
        removed: vec![2],
        changed: vec![],
        added: vec![],
    };
    assert!(base.apply(&delta).is_err());
    let hashed: HashMap<u8, u16> = base.into_iter().collect();
    assert!(hashed.apply(&delta).is_err());
}

#[test]
fn map_changing_a_missing_or_removed_key_is_refused() {
    let base = BTreeMap::from([(1_u8, 10_u16)]);
    let missing = MapDelta {
        removed: vec![],
        changed: vec![(2, 5)],
        added: vec![],
    };
    let removed = MapDelta {
        removed: vec![1],
        changed: vec![(1, 5)],
        added: vec![],
    };
    for delta in [missing, removed] {
        assert!(base.apply(&delta).is_err(), "{delta:?}");
    }
}

#[test]
fn map_adding_a_present_key_is_refused() {
    let base = BTreeMap::from([(1_u8, 10_u16)]);
    let present = MapDelta {
        removed: vec![],
        changed: vec![],
        added: vec![(1, 5)],
    };
    let twice = MapDelta {
        removed: vec![],
        changed: vec![],
        added: vec![(2, 5), (2, 6)],
    };
    let readded = MapDelta {
        removed: vec![1],
        changed: vec![],
        added: vec![(1, 5)],
    };
    for delta in [present, twice, readded] {
        assert!(base.apply(&delta).is_err(), "{delta:?}");
    }
}

#[test]
fn set_removing_a_missing_or_adding_a_present_member_is_refused() {
    let base = BTreeSet::from([1_u8]);
    let missing = SetDelta {
        removed: vec![2],
        added: vec![],
    };
    let present = SetDelta {
        removed: vec![],
        added: vec![1],
    };
    for delta in [missing, present] {
        assert!(base.apply(&delta).is_err(), "{delta:?}");
        let hashed: HashSet<u8> = base.iter().copied().collect();
        assert!(hashed.apply(&delta).is_err(), "{delta:?}");
    }
}

proptest! {
    /// Arbitrary delta values, not only decodable bytes: every length and index is tried.
    #[test]
    fn arbitrary_vec_deltas_apply_exactly_or_are_refused(
        base in small_vec(),
        len in prop_oneof![0_usize..12, any::<usize>()],
        changed in vec((prop_oneof![0_usize..12, any::<usize>()], any::<u8>()), 0..4),
        appended in small_vec(),
    ) {
        let delta = VecDelta { len, changed, appended };
        if let Ok(next) = base.apply(&delta) {
            prop_assert_eq!(next.len(), len);
            prop_assert_eq!(&next[base.len().min(len)..], &delta.appended[..]);
        }
    }

    #[test]
    fn arbitrary_map_deltas_never_panic(
        base in btree_map(0_u8..6, small_vec(), 0..6),
        removed in vec(0_u8..8, 0..3),
        changed in vec((0_u8..8, (0_usize..8, vec((0_usize..8, any::<u8>()), 0..3), small_vec())), 0..3),
        added in vec((0_u8..8, small_vec()), 0..3),
    ) {
        let changed = changed
            .into_iter()
            .map(|(key, (len, changed, appended))| (key, VecDelta { len, changed, appended }))
            .collect();
        let delta = MapDelta { removed, changed, added };
        let _ = base.apply(&delta);
        let hashed: HashMap<u8, Vec<u8>> = base.into_iter().collect();
        let _ = hashed.apply(&delta);
    }
}

#[test]
fn unchanged_vec_costs_three_bytes_and_one_changed_element_its_index_and_value() {
    let base: Vec<u16> = (0..10).collect();
    let mut next = base.clone();
    next[7] = 1000;
    assert_eq!(delta_size(&base, &base), 3);
    // len, count, index, value (a 3-byte varint), count of appended.
    assert_eq!(delta_size(&base, &next), 7);
}

#[test]
fn unchanged_map_costs_three_bytes() {
    let base = BTreeMap::from([(1_u32, 2_u16), (3, 4)]);
    assert_eq!(delta_size(&base, &base), 3);
    assert_eq!(encode(&base.diff(&base)), [0, 0, 0]);
}
