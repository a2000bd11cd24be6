//! `#[derive(Diff)]`: gives a snapshot type a field-wise delta with exact apply, so a game gets
//! delta snapshots without writing diff and apply by hand. The trait and its std impls live in
//! `tickwire::diff`; this crate only writes the impl for a user's type.
//!
//! For a type `Foo` the derive writes `FooDelta`, with `Foo`'s visibility and generics, and
//! `impl Diff for Foo`. A struct's delta is a mask of its changed fields followed by their
//! deltas, in field order (`tickwire::diff::FieldChanges`). An enum's delta is the whole
//! next value when the variant changed, else the changed fields of the variant.
//!
//! Attributes:
//! - `#[diff(crate = "path")]` on the type: where `Diff` lives (default `::tickwire`).
//! - `#[diff(bound = "T: Bound, ...")]` on the type: replaces the default bounds, which are
//!   `T: Diff + Message` on every type parameter (serde's approach, with this crate's traits).
//! - `#[diff(whole)]` on a field: send it whole when it changed. The field then needs only
//!   `PartialEq` and `Message`, not `Diff`.
//! - `#[diff(deque)]` on a `Vec<T>` or `VecDeque<T>` field (any `ShiftDiff`) whose changes
//!   are mostly elements pushed at one end and dropped at the other: send the pushed
//!   elements and the dropped count when that is exactly the change, else the element-wise
//!   delta (`tickwire::diff::ShiftDelta`). A moving body, head first, then costs one cell
//!   and two counts a tick instead of every cell.
//!
//! Every field must be `Clone` (apply copies unchanged fields from the baseline), and an enum
//! must be a `Message` (a changed variant is sent whole). Lifetime parameters and unions are
//! rejected: a delta must be owned data that crosses the wire.

mod attrs;
mod enums;
mod eq;
mod fields;
mod generics;
mod items;
mod model;
mod names;
mod structs;
mod wire;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `Diff` for a struct or enum: see the crate docs for the encoding and attributes.
#[proc_macro_derive(Diff, attributes(diff))]
pub fn derive_diff(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let container = attrs::Container::parse(input)?;
    match model::Shape::parse(input)? {
        model::Shape::Struct(fields) => structs::expand(input, &container, &fields),
        model::Shape::Enum(variants) => enums::expand(input, &container, &variants),
    }
}
