//! Names of the generated items, in one place so that structs and enums agree on them.

use quote::format_ident;
use syn::ext::IdentExt;
use syn::{Ident, Member};

/// The items generated for one type `Foo`.
pub(crate) struct Names {
    /// `FooDelta`: the public delta type.
    pub(crate) delta: Ident,
    /// `__FooDeltaKind`: an enum's delta, whole or field-wise (private).
    pub(crate) kind: Ident,
    /// `__FooDeltaField`: one changed field (private).
    pub(crate) change: Ident,
}

impl Names {
    pub(crate) fn new(ty: &Ident) -> Self {
        let ty = ty.unraw();
        Self {
            delta: format_ident!("{ty}Delta"),
            kind: format_ident!("__{ty}DeltaKind"),
            change: format_ident!("__{ty}DeltaField"),
        }
    }
}

/// The change variant for a struct's field: the field's own name, `_0` for a tuple field.
pub(crate) fn struct_field(member: &Member) -> Ident {
    match member {
        Member::Named(ident) => ident.clone(),
        Member::Unnamed(index) => format_ident!("_{}", index.index),
    }
}

/// The change variant for a field of an enum's variant: `Variant_field`, `Variant_0`.
pub(crate) fn variant_field(variant: &Ident, member: &Member) -> Ident {
    match member {
        Member::Named(ident) => format_ident!("{}_{}", variant.unraw(), ident.unraw()),
        Member::Unnamed(index) => format_ident!("{}_{}", variant.unraw(), index.index),
    }
}

/// A local name for the `index`th field's value, with a `prefix` per role (`b` baseline,
/// `n` next, `v` applied), so that bindings never clash with each other or with field names.
pub(crate) fn local(prefix: &str, index: usize) -> Ident {
    format_ident!("__{prefix}{index}")
}
